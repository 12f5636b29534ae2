import CatalogAPI
import TermShell
import Testing

/// The complaint form offers exactly the reasons the platform's reports take, so no complaint is dropped on the
/// way (the screens' layer does not import the API contract).
struct ComplaintReasonTests {
    @Test("the form's reasons are the contract's, by name and in order")
    func sameReasons() {
        #expect(
            ComplaintForm.Reason.allCases.map(\.rawValue) == DeviceReports.Complaint.Reason.allCases.map(\.rawValue))
    }
}
