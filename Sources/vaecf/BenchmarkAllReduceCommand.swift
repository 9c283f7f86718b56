import ArgumentParser
import Foundation
import VAECF
import VAECFMPI

/// `mpirun -np N vaecf benchmark allreduce`: the time of the gradient exchange of data-parallel training alone.
struct BenchmarkAllReduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allreduce",
        abstract: "Measure the in-place float sum allreduce of one training step (run under mpirun).",
        discussion: """
            Times MPI_Allreduce (sum, in place) over the buffer `vaecf train` exchanges every step: the flat \
            gradient of a Mult-VAE with --items items and --encoder-dims, plus its 3 loss terms. Rank 0 prints \
            the median and fastest seconds per call, the buffer's bytes, the algorithm bandwidth (bytes / time) \
            and the bus bandwidth (2 (N - 1) / N bytes / time: what each rank sends in a ring allreduce, the figure \
            to compare with a link's speed).
            """)

    @Option(help: "Items of the model whose gradient is exchanged (26744: the ML-20M-shaped synthetic data).")
    var items: Int = 26744
    @Option(name: .customLong("encoder-dims"), help: "Encoder widths after the input, comma separated.")
    var encoderDimensions: String = "600,200"
    @Option(help: "Timed calls after 3 warm-up calls.") var repetitions: Int = 20
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        if items < 1 { throw ValidationError("--items must be at least 1") }
        if repetitions < 1 { throw ValidationError("--repetitions must be at least 1") }
        _ = try parseEncoderDimensions(encoderDimensions, option: "--encoder-dims")
    }

    func run() throws {
        let dimensions = try parseEncoderDimensions(encoderDimensions, option: "--encoder-dims")
        guard let launch = MPILaunch.detect(), launch.size > 1 else {
            throw CommandFailure(
                "run it with at least 2 processes under an MPI launcher: mpirun -np 2 vaecf benchmark allreduce")
        }
        let communicator: MPICommunicator
        do { communicator = try MPICommunicator() } catch {
            throw CommandFailure("started as rank \(launch.rank) of \(launch.size), but MPI cannot be used: \(error)")
        }
        defer { communicator.finish() }
        let count =
            ParameterLayout(configuration: MultVAEConfiguration(itemCount: items, encoderDimensions: dimensions)).count
            + 3
        let buffer = FloatBuffer(count: count)
        var times = [Double]()
        for repetition in 0..<(repetitions + 3) {
            for index in 0..<count { buffer.pointer[index] = Float(communicator.rank + 1) }
            let start = DispatchTime.now().uptimeNanoseconds
            try communicator.allReduceSum(buffer.pointer, count: count)
            if repetition >= 3 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        let expected = Float(communicator.size * (communicator.size + 1) / 2)
        guard buffer.pointer[0] == expected, buffer.pointer[count - 1] == expected else {
            throw CommandFailure("the allreduce returned \(buffer.pointer[0]), expected \(expected)")
        }
        guard communicator.rank == 0 else { return }
        times.sort()
        let median = times[times.count / 2]
        let bytes = count * MemoryLayout<Float>.stride
        let ranks = communicator.size
        let algorithmBandwidth = Double(bytes) / median
        let busBandwidth = algorithmBandwidth * 2 * Double(ranks - 1) / Double(ranks)
        if json {
            let object: [String: Any] = [
                "ranks": ranks, "floats": count, "bytes": bytes, "median_seconds": median, "fastest_seconds": times[0],
                "algorithm_bandwidth_bytes_per_second": algorithmBandwidth,
                "bus_bandwidth_bytes_per_second": busBandwidth, "library": communicator.libraryDescription,
            ]
            print(
                String(
                    decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
            )
        } else {
            print(
                String(
                    format:
                        "allreduce of %d floats (%.1f MB) over %d ranks: median %.2f ms, fastest %.2f ms; algorithm bandwidth %.2f GB/s, bus bandwidth %.2f GB/s",
                    count, Double(bytes) / 1e6, ranks, median * 1000, times[0] * 1000, algorithmBandwidth / 1e9,
                    busBandwidth / 1e9))
            print("library: \(communicator.libraryDescription)")
        }
    }
}
