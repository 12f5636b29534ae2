/// What changed between two frames: runs of consecutive changed cells per row. The backend writes only these,
/// so a keystroke that moves a highlight costs a few dozen bytes, not a screen.
public struct FrameDiff: Sendable, Hashable {
    /// Changed cells starting at column `x` of row `y` (continuation cells of wide characters included).
    public struct Run: Sendable, Hashable {
        public var x: Int
        public var y: Int
        public var cells: [Cell]
    }

    public var runs: [Run]
    /// True when the whole screen must be redrawn (first frame, new size).
    public var full: Bool

    /// The runs that turn `old` into `new`; everything when there is no old frame or its size differs.
    public static func between(_ old: CellBuffer?, _ new: CellBuffer) -> FrameDiff {
        let full = old == nil || old!.width != new.width || old!.height != new.height
        var runs: [Run] = []
        for y in 0..<new.height {
            var x = 0
            while x < new.width {
                guard full || old![x, y] != new[x, y] else {
                    x += 1
                    continue
                }
                var end = x
                while end < new.width && (full || old![end, y] != new[end, y]) { end += 1 }
                // A run never starts or ends inside a wide character.
                var start = x
                if start > 0 && new[start, y].isContinuation { start -= 1 }
                if end < new.width && new[end, y].isContinuation { end += 1 }
                runs.append(Run(x: start, y: y, cells: (start..<end).map { new[$0, y] }))
                x = end
            }
        }
        return FrameDiff(runs: runs, full: full)
    }

    /// How many cells the runs cover.
    public var cellCount: Int { runs.reduce(0) { $0 + $1.cells.count } }
}
