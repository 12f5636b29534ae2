import CatalogCurl
import Testing

struct CurlLibraryTests {
    @Test("libcurl is linked and reports its version")
    func curlIsLinked() {
        #expect(CurlLibrary.versionDescription.hasPrefix("libcurl/"))
    }
}
