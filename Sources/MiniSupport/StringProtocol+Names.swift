extension StringProtocol {
    /// True for 1 to 64 lowercase letters, digits, '-' and '.': the platform's names of partners, review stages,
    /// organisations and accounts.
    public var isPlatformName: Bool {
        (1...64).contains(utf8.count)
            && utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E }
    }
}
