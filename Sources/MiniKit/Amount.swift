/// Amounts the bank's way: two decimals, thousands grouped with commas (`12345.6` → `12,345.60`).
public enum Amount {
    /// The amount's magnitude, grouped; the caller places the sign (and any currency symbol).
    public static func grouped(_ value: Double) -> String {
        let cents = Int64((abs(value) * 100).rounded())
        var whole = String(cents / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let fraction = cents % 100
        return whole + grouped + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }
}
