import CNCursesW

/// Facts about the ncursesw this binary is linked against.
public enum CursesLibrary {
    /// The version banner of the linked ncursesw, for example `ncurses 6.4.20221231`.
    public static var versionDescription: String {
        guard let banner = curses_version() else { return "ncurses (unknown version)" }
        return String(cString: banner)
    }
}
