/// A compiled pattern: instructions for a Thompson NFA simulation.
struct RegexProgram: Hashable, Sendable {
    enum Assertion: Hashable, Sendable {
        case lineStart(multiLine: Bool)
        case lineEnd(multiLine: Bool)
        case textStart
        case textEnd
        case wordBoundary(negated: Bool)
    }

    enum Instruction: Hashable, Sendable {
        case scalar(Unicode.Scalar)
        case anyOf([Unicode.Scalar])
        case anyCharacter
        case anyButNewline
        case set(Int)
        case split(Int, Int)
        case jump(Int)
        case assert(Assertion)
        case match
    }

    var instructions: [Instruction] = []
    var sets: [RegexCharacterSet] = []
}

/// Turns a ``RegexNode`` tree into a ``RegexProgram``, refusing programs larger than a limit.
enum RegexCompiler {
    static func compile(_ node: RegexNode, limit: Int) throws(RegexSyntaxError) -> RegexProgram {
        // Size first, with saturating arithmetic: nested counted repetitions are refused before any work.
        guard cost(node, limit: limit) <= limit else {
            throw RegexSyntaxError(
                offset: 0, message: "pattern compiles to more than \(limit) instructions; simplify its repetitions")
        }
        var compiler = State(limit: limit)
        try compiler.emit(node)
        try compiler.append(.match)
        return compiler.program
    }

    /// The instructions `node` compiles to, saturating just above `limit`. Character classes cost by their
    /// size too, since the matcher scans them.
    static func cost(_ node: RegexNode, limit: Int) -> Int {
        let cap = limit + 1
        func add(_ a: Int, _ b: Int) -> Int { min(cap, a + b) }
        func multiply(_ a: Int, _ b: Int) -> Int { a == 0 || b == 0 ? 0 : (a > cap / b ? cap : min(cap, a * b)) }
        switch node {
        case .empty: return 0
        case .literal, .anyCharacter, .lineStart, .lineEnd, .textStart, .textEnd, .wordBoundary: return 1
        case .set(let set): return add(1, set.items.count / 4)
        case .concatenation(let items): return items.reduce(0) { add($0, cost($1, limit: limit)) }
        case .alternation(let branches):
            return branches.reduce(2 * (branches.count - 1)) { add($0, cost($1, limit: limit)) }
        case .repetition(let body, let min, let max):
            let size = cost(body, limit: limit)
            guard size > 0 else { return 0 }
            let required = multiply(size, min)
            if let max { return add(required, multiply(add(size, 1), max - min)) }
            return add(required, add(size, 2))
        }
    }

    private struct State {
        var program = RegexProgram()
        let limit: Int

        init(limit: Int) { self.limit = limit }

        @discardableResult
        mutating func append(_ instruction: RegexProgram.Instruction) throws(RegexSyntaxError) -> Int {
            guard program.instructions.count < limit else {
                throw RegexSyntaxError(
                    offset: 0, message: "pattern compiles to more than \(limit) instructions; simplify its repetitions")
            }
            program.instructions.append(instruction)
            return program.instructions.count - 1
        }

        mutating func emit(_ node: RegexNode) throws(RegexSyntaxError) {
            switch node {
            case .empty:
                break
            case .literal(let scalar, let caseInsensitive):
                let variants = caseInsensitive ? RegexCase.variants(of: scalar) : [scalar]
                try append(variants.count == 1 ? .scalar(scalar) : .anyOf(variants))
            case .anyCharacter(let dotMatchesNewline):
                try append(dotMatchesNewline ? .anyCharacter : .anyButNewline)
            case .set(let set):
                program.sets.append(set)
                try append(.set(program.sets.count - 1))
            case .lineStart(let multiLine): try append(.assert(.lineStart(multiLine: multiLine)))
            case .lineEnd(let multiLine): try append(.assert(.lineEnd(multiLine: multiLine)))
            case .textStart: try append(.assert(.textStart))
            case .textEnd: try append(.assert(.textEnd))
            case .wordBoundary(let negated): try append(.assert(.wordBoundary(negated: negated)))
            case .concatenation(let items):
                for item in items { try emit(item) }
            case .alternation(let branches):
                var jumpsToEnd: [Int] = []
                for (index, branch) in branches.enumerated() {
                    if index < branches.count - 1 {
                        let split = try append(.split(0, 0))
                        try emit(branch)
                        jumpsToEnd.append(try append(.jump(0)))
                        program.instructions[split] = .split(split + 1, program.instructions.count)
                    } else {
                        try emit(branch)
                    }
                }
                for jump in jumpsToEnd { program.instructions[jump] = .jump(program.instructions.count) }
            case .repetition(let body, let min, let max):
                // A body that compiles to nothing matches only the empty text: repeating it adds nothing.
                guard RegexCompiler.cost(body, limit: limit) > 0 else { return }
                for _ in 0..<min { try emit(body) }
                if let max {
                    var splits: [Int] = []
                    for _ in min..<max {
                        splits.append(try append(.split(0, 0)))
                        try emit(body)
                    }
                    let end = program.instructions.count
                    for split in splits { program.instructions[split] = .split(split + 1, end) }
                } else {
                    let split = try append(.split(0, 0))
                    try emit(body)
                    try append(.jump(split))
                    program.instructions[split] = .split(split + 1, program.instructions.count)
                }
            }
        }
    }
}
