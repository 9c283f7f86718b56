import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore
import VAECFData

/// A random binary `[users, items]` matrix.
func randomInteractions(users: Int, items: Int, density: Double, seed: UInt64) -> CSRMatrix {
    var random = RandomSource(seed: seed)
    let rows: [[Int32]] = (0..<users).map { _ in
        (0..<items).filter { _ in random.nextDouble() < density }.map(Int32.init)
    }
    return CSRMatrix(columnCount: items, rows: rows)
}

/// EASE's weights computed in Double with Gauss-Jordan elimination: the reference.
func referenceEASE(_ train: CSRMatrix, lambda: Double) -> [Double] {
    let n = train.columnCount
    var a = [Double](repeating: 0, count: n * n)
    for user in 0..<train.rowCount {
        let items = train.row(user).map(Int.init)
        for i in items { for j in items { a[i * n + j] += 1 } }
    }
    for i in 0..<n { a[i * n + i] += lambda }
    var inverse = [Double](repeating: 0, count: n * n)
    for i in 0..<n { inverse[i * n + i] = 1 }
    for column in 0..<n {
        let pivot = a[column * n + column]
        for k in 0..<n {
            a[column * n + k] /= pivot
            inverse[column * n + k] /= pivot
        }
        for row in 0..<n where row != column {
            let factor = a[row * n + column]
            for k in 0..<n {
                a[row * n + k] -= factor * a[column * n + k]
                inverse[row * n + k] -= factor * inverse[column * n + k]
            }
        }
    }
    var weights = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n where i != j { weights[i * n + j] = -inverse[i * n + j] / inverse[j * n + j] } }
    return weights
}

func largestDifference(_ x: [Float], _ y: [Double]) -> Double {
    zip(x, y).map { abs(Double($0) - $1) }.max() ?? 0
}

@Suite("EASE")
struct EASETests {
    static let executor = ParallelExecutor(threadCount: 2)

    @Test("the float32 fit matches a float64 solve, with a zero diagonal; portable and LAPACK agree")
    func matchesDoubleSolve() throws {
        let train = randomInteractions(users: 300, items: 150, density: 0.1, seed: 3)
        let reference = referenceEASE(train, lambda: 20)
        let scale = reference.map(abs).max()!
        var solver = EASESolver(lambda: 20, gemm: .portable(threadCount: 2), executor: Self.executor)
        solver.userBlock = 64
        let (portable, method) = try solver.fit(train: train)
        #expect(method == .portable)
        #expect(largestDifference(portable.weights.array, reference) < 1e-4 * scale)
        #expect((0..<150).allSatisfy { portable.weights.pointer[$0 * 150 + $0] == 0 })
        let loaded = GEMM.load(threadCount: 2)
        guard SymmetricInverse.usesLAPACK(gemm: loaded) else {
            print("no CBLAS with LAPACK loaded (\(loaded.backendName)): the LAPACK path is not compared")
            return
        }
        let (viaLAPACK, lapackMethod) = try EASESolver(lambda: 20, gemm: loaded, executor: Self.executor).fit(
            train: train)
        #expect(lapackMethod == .lapack)
        #expect(largestDifference(viaLAPACK.weights.array, reference) < 1e-4 * scale)
        #expect(largestDifference(viaLAPACK.weights.array, portable.weights.array.map(Double.init)) < 1e-4 * scale)
    }

    @Test("the portable inverse crosses several Cholesky blocks and matches Double")
    func portableInverseAcrossBlocks() throws {
        let n = 300
        var random = RandomSource(seed: 9)
        let factor = (0..<(n * n)).map { _ in Float(random.nextGaussian()) }
        var matrix = [Float](repeating: 0, count: n * n)
        var exact = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<n { sum += Double(factor[i * n + k]) * Double(factor[j * n + k]) }
                exact[i * n + j] = sum / Double(n) + (i == j ? 1 : 0)
                matrix[i * n + j] = Float(exact[i * n + j])
            }
        }
        let scratch = [Float](repeating: 0, count: n * n)
        var scratchCopy = scratch
        let method = try matrix.withUnsafeMutableBufferPointer { values in
            try scratchCopy.withUnsafeMutableBufferPointer { buffer in
                try SymmetricInverse.invert(
                    values.baseAddress!, count: n, scratch: buffer.baseAddress!, gemm: .portable(threadCount: 2),
                    executor: Self.executor, allowLAPACK: false)
            }
        }
        #expect(method == .portable)
        // A * A^-1 = I, in Double.
        var worst = 0.0
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<n { sum += exact[i * n + k] * Double(matrix[k * n + j]) }
                worst = max(worst, abs(sum - (i == j ? 1 : 0)))
            }
        }
        #expect(worst < 1e-3, "largest deviation of A A^-1 from I: \(worst)")
    }

    @Test("a matrix that is not positive definite is reported with the order of its first bad minor")
    func notPositiveDefinite() {
        var matrix: [Float] = [1, 2, 2, 1]
        var scratch = [Float](repeating: 0, count: 4)
        #expect(throws: SymmetricInverseError.notPositiveDefinite(order: 2)) {
            try matrix.withUnsafeMutableBufferPointer { values in
                try scratch.withUnsafeMutableBufferPointer { buffer in
                    _ = try SymmetricInverse.invert(
                        values.baseAddress!, count: 2, scratch: buffer.baseAddress!, gemm: .portable(threadCount: 1),
                        executor: ParallelExecutor(threadCount: 1), allowLAPACK: false)
                }
            }
        }
    }

    @Test("the memory check refuses a fit that does not fit, before allocating; lambda must be positive")
    func memoryCheck() throws {
        let train = randomInteractions(users: 20, items: 40, density: 0.2, seed: 1)
        let solver = EASESolver(lambda: 10, gemm: .portable(threadCount: 1), executor: Self.executor)
        do {
            _ = try solver.fit(train: train, availableBytes: solver.requiredBytes(itemCount: 40) - 1)
            Issue.record("the fit should have been refused")
        } catch .insufficientMemory(let items, let needed, _) {
            #expect(items == 40 && needed == (2 * 40 * 40 + 1024 * 40) * 4)
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: EASEError.self) {
            try EASESolver(lambda: 0, gemm: .portable(threadCount: 1), executor: Self.executor).fit(train: train)
        }
        #expect(SystemMemory.availableKilobytes(meminfo: "MemTotal: 100 kB\nMemAvailable:   2048 kB\n") == 2048)
        #expect(SystemMemory.availableBytes().map { $0 > 0 } ?? true)
    }

    @Test("scores are x B; through a model file the recommender excludes the fold-in items")
    func scoringAndRecommending() throws {
        let train = randomInteractions(users: 200, items: 30, density: 0.15, seed: 5)
        let (model, _) = try EASESolver(lambda: 5, gemm: .portable(threadCount: 2), executor: Self.executor).fit(
            train: train)
        let foldIn = CSRMatrix(columnCount: 30, rows: [[1, 4, 7], [], [29]])
        var output = [Float](repeating: .nan, count: 3 * 30)
        output.withUnsafeMutableBufferPointer {
            model.scores(foldIn: foldIn, rows: 0..<3, output: $0.baseAddress!, executor: Self.executor)
        }
        for column in 0..<30 {
            let expected = [1, 4, 7].reduce(Float(0)) { $0 + model.weights.pointer[$1 * 30 + column] }
            #expect(abs(output[column] - expected) <= 1e-6 * max(1, abs(expected)))
            #expect(output[30 + column] == 0)
            #expect(output[60 + column] == model.weights.pointer[29 * 30 + column])
        }

        let ids = (0..<30).map { "i\($0)" }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("ease.model")
        try model.modelFile(
            itemIDs: ids, datasetFingerprint: "f", validation: nil, gemm: .portable(threadCount: 1), threads: 1
        )
        .write(to: url)
        let read = try ModelFile.read(url)
        #expect(read.header.resolvedKind == .ease && read.header.easeLambda == 5)
        let recommender = Recommender(file: read, gemm: .portable(threadCount: 2), threadCount: 2)
        #expect(recommender.description.model == "ease")
        let result = recommender.recommend([RecommendationQuery(items: ["i1", "i4", "i7"], count: 5)])[0]
        #expect(result.items.count == 5)
        #expect(result.items.allSatisfy { !["i1", "i4", "i7"].contains($0.id) })
        var best = (0..<30).filter { ![1, 4, 7].contains($0) }
        best.sort { output[$0] > output[$1] || (output[$0] == output[$1] && $0 < $1) }
        #expect(result.items.map(\.id) == best.prefix(5).map { "i\($0)" })
        #expect(result.items.map(\.score) == best.prefix(5).map { output[$0] })
    }
}
