#if FUZZING || DEBUG
    import Foundation
    import ShellAgent

    /// The shell's side of the network.
    enum ShellHarnesses {
        /// The first byte seeds the chunk sizes (1 to 64 bytes, as a network delivers them); the rest is the stream.
        /// Fed in chunks and fed whole, the parser must give the same events, up to the first oversized line.
        static func serverSentEvents(_ data: Data) {
            guard let seed = data.first else { return }
            let stream = [UInt8](data.dropFirst())
            let whole = events(of: [stream[...]])
            var chunks: [ArraySlice<UInt8>] = []
            var state = UInt32(seed) &* 2_654_435_761 | 1
            var start = 0
            while start < stream.count {
                state = state &* 1_664_525 &+ 1_013_904_223
                let end = min(stream.count, start + 1 + Int(state >> 26))
                chunks.append(stream[start..<end])
                start = end
            }
            let chunked = events(of: chunks)
            guard whole == chunked else {
                fuzzFinding("the stream parsed in \(chunks.count) chunks gives other events than parsed whole")
            }
        }

        /// The events a fresh parser completes before the end or the first overflow (when the agent reconnects).
        private static func events(of chunks: [ArraySlice<UInt8>]) -> [ServerSentEvent] {
            var parser = ServerSentEventParser()
            var events: [ServerSentEvent] = []
            for chunk in chunks {
                do {
                    events += try parser.feed(chunk)
                } catch {
                    _ = error.description
                    return events + error.completed
                }
            }
            return events
        }
    }
#endif
