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
        var compiler = State(limit: limit)
        try compiler.emit(node)
        try compiler.append(.match)
        return compiler.program
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
