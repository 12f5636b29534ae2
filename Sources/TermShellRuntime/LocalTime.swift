import Foundation

/// Local dates and times from the C library. Not `DateFormatter`: it loads ICU's locale data, several megabytes
/// of resident memory, to print a few numbers.
enum LocalTime {
    /// `HH:mm`, or `HH:mm:ss` with seconds.
    static func clock(_ date: Date, seconds: Bool = false) -> String {
        let parts = parts(date)
        let minutes = "\(two(parts.tm_hour)):\(two(parts.tm_min))"
        return seconds ? "\(minutes):\(two(parts.tm_sec))" : minutes
    }

    /// `YYYY-MM-DD`.
    static func day(_ date: Date) -> String {
        let parts = parts(date)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
    }

    private static func parts(_ date: Date) -> tm {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&time, &parts)
        return parts
    }

    private static func two(_ number: Int32) -> String { number < 10 ? "0\(number)" : "\(number)" }
}
