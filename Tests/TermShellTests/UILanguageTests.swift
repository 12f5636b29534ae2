import TermShell
import TermShellCurses
import Testing

struct UILanguageTests {
    @Test func languageComesFromTheLocale() {
        #expect(UILanguage.fromEnvironment(["LANG": "zh_CN.UTF-8"]) == .chinese)
        #expect(UILanguage.fromEnvironment(["LANG": "C.UTF-8"]) == .english)
        #expect(UILanguage.fromEnvironment([:]) == .english)
        #expect(UILanguage.fromEnvironment(["LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"]) == .english)
        #expect(UILanguage.fromEnvironment(["LC_MESSAGES": "zh_TW", "LANG": "en_US"]) == .chinese)
    }

    @Test func argumentsParse() {
        #expect(UILanguage(argument: "ZH") == .chinese)
        #expect(UILanguage(argument: "en") == .english)
        #expect(UILanguage(argument: "fr") == nil)
    }

    @Test("the ncursesw library is linked and reports its version")
    func cursesIsLinked() {
        #expect(CursesLibrary.versionDescription.hasPrefix("ncurses"))
    }
}
