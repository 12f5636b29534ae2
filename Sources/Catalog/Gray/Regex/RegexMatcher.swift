/// Runs a ``RegexProgram`` over text as a Thompson NFA simulation: every thread advances in lock-step, so
/// the work is at most `instructions × (input length + 1)`.
struct RegexMatcher {
    let program: RegexProgram

    /// True when the program matches at any position of `input`.
    func search(_ input: [Unicode.Scalar]) -> Bool {
        let count = program.instructions.count
        var current = SparseSet(capacity: count)
        var next = SparseSet(capacity: count)
        var stack: [Int] = []
        for position in 0...input.count {
            addThread(0, at: position, input: input, to: &current, stack: &stack)
            if current.contains(count - 1) { return true }  // the last instruction is `.match`
            guard position < input.count else { break }
            let scalar = input[position]
            next.removeAll()
            for pc in current.members {
                if consumes(program.instructions[pc], scalar) {
                    addThread(pc + 1, at: position + 1, input: input, to: &next, stack: &stack)
                }
            }
            swap(&current, &next)
            if current.contains(count - 1) { return true }
        }
        return false
    }

    private func consumes(_ instruction: RegexProgram.Instruction, _ scalar: Unicode.Scalar) -> Bool {
        switch instruction {
        case .scalar(let expected): return scalar == expected
        case .anyOf(let options): return options.contains(scalar)
        case .anyCharacter: return true
        case .anyButNewline: return scalar != "\n"
        case .set(let index): return program.sets[index].contains(scalar)
        case .split, .jump, .assert, .match: return false
        }
    }

    private func addThread(
        _ start: Int, at position: Int, input: [Unicode.Scalar], to list: inout SparseSet, stack: inout [Int]
    ) {
        stack.append(start)
        while let pc = stack.popLast() {
            guard !list.contains(pc) else { continue }
            list.insert(pc)
            switch program.instructions[pc] {
            case .jump(let target): stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .assert(let assertion):
                if holds(assertion, at: position, input: input) { stack.append(pc + 1) }
            case .scalar, .anyOf, .anyCharacter, .anyButNewline, .set, .match: break
            }
        }
    }

    private func holds(_ assertion: RegexProgram.Assertion, at position: Int, input: [Unicode.Scalar]) -> Bool {
        switch assertion {
        case .textStart: return position == 0
        case .textEnd: return position == input.count
        case .lineStart(let multiLine):
            return position == 0 || (multiLine && input[position - 1] == "\n")
        case .lineEnd(let multiLine):
            return position == input.count || (multiLine && input[position] == "\n")
        case .wordBoundary(let negated):
            let before = position > 0 && RegexCase.isWord(input[position - 1])
            let after = position < input.count && RegexCase.isWord(input[position])
            return (before != after) != negated
        }
    }
}

/// A set of small integers with O(1) insert, lookup and clear, iterated in insertion order.
struct SparseSet {
    private var dense: [Int]
    private var sparse: [Int]
    private(set) var count = 0

    init(capacity: Int) {
        dense = Array(repeating: 0, count: capacity)
        sparse = Array(repeating: 0, count: capacity)
    }

    func contains(_ value: Int) -> Bool {
        let index = sparse[value]
        return index < count && dense[index] == value
    }

    mutating func insert(_ value: Int) {
        sparse[value] = count
        dense[count] = value
        count += 1
    }

    mutating func removeAll() { count = 0 }

    var members: ArraySlice<Int> { dense[0..<count] }
}
