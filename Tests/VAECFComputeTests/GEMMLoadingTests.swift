import Testing
@testable import VAECFCompute

/// Whether a CBLAS by this name can be opened here (the tests pass with and without one installed).
func cblasAvailable(_ name: String) -> Bool {
    GEMM.load(library: name, threadCount: 1).usesCBLAS
}

@Suite("GEMM backend loading")
struct GEMMLoadingTests {
    @Test("portable is selected by name, with no warning")
    func portableByName() {
        for name in ["portable", " Portable "] {
            let gemm = GEMM.load(library: name, threadCount: 3)
            #expect(gemm.backendName == "portable")
            #expect(!gemm.usesCBLAS)
            #expect(gemm.warnings.isEmpty)
            #expect(gemm.threadCount == 3)
            #expect(gemm.description == "portable, 3 threads")
        }
        #expect(GEMM.portable(threadCount: 1).description == "portable, 1 thread")
    }

    @Test("a library path that does not exist falls back to portable with a warning naming it")
    func missingLibraryFallsBack() {
        let path = "/nonexistent/vaecf-test/libnotablas.so"
        let gemm = GEMM.load(library: path, threadCount: 2)
        #expect(gemm.backendName == "portable")
        #expect(gemm.warnings.count == 1)
        #expect(gemm.warnings.first?.contains(path) == true)
        #expect(gemm.warnings.first?.hasPrefix("BLAS \(path): cannot use CBLAS library") == true)
    }

    @Test("a library without cblas_sgemm falls back with a warning")
    func libraryWithoutSgemmFallsBack() {
        #if os(Linux)
        let gemm = GEMM.load(library: "libm.so.6", threadCount: 1)
        #expect(!gemm.usesCBLAS)
        #expect(gemm.warnings.first?.contains("cblas_sgemm") == true)
        #endif
    }

    @Test("an unknown backend word falls back with a warning listing the choices")
    func unknownWordFallsBack() {
        let gemm = GEMM.load(library: "fastblas", threadCount: 1)
        #expect(gemm.backendName == "portable")
        #expect(gemm.warnings.first?.contains("openblas, blis, mkl, portable") == true)
    }

    @Test("the automatic search never warns")
    func automaticSearchIsQuiet() {
        for request in [nil, ""] as [String?] {
            let gemm = GEMM.load(library: request, threadCount: 1)
            #expect(gemm.warnings.isEmpty)
            if gemm.usesCBLAS {
                #expect(gemm.backendName.hasPrefix("openblas (") || gemm.backendName.hasPrefix("blis ("))
            }
        }
    }

    @Test(
        "each installed CBLAS agrees with the reference and the portable backend",
        arguments: ["openblas", "blis", "mkl"])
    func cblasAgreesWithPortable(name: String) throws {
        let cblas = GEMM.load(library: name, threadCount: 2)
        try #require(cblas.usesCBLAS || !cblas.warnings.isEmpty, "a failed load must say why")
        guard cblas.usesCBLAS else { return }  // Not installed here: nothing more to compare.
        #expect(cblas.backendName.hasPrefix("\(name) ("))
        #expect(cblas.description == "\(name), 2 threads")
        let portable = GEMM.portable(threadCount: 2)
        for (m, n, k) in [(1, 1, 1), (7, 33, 65), (40, 3, 300)] {
            for (transposeA, transposeB) in transposeCombinations {
                let problem = GEMMProblem(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k)
                let fromLibrary = problem.run(cblas)
                let fromPortable = problem.run(portable)
                #expect(problem.mismatches(fromLibrary).isEmpty, "\(name) \(problem.label)")
                for index in fromLibrary.indices where !fromPortable[index].isNaN {
                    let difference = abs(fromLibrary[index] - fromPortable[index])
                    #expect(difference <= Float(2 * (k + 2)) * Float.ulpOfOne * 2 * Float(k), "\(problem.label)")
                }
            }
        }
        // beta == 0 must ignore NaN in C through the library path too.
        var problem = GEMMProblem(transposeA: false, transposeB: false, m: 5, n: 6, k: 4, beta: 0)
        problem.c = problem.c.map { _ in .nan }
        let result = problem.run(cblas)
        #expect(result.enumerated().allSatisfy { index, value in index % problem.ldc >= problem.n || !value.isNaN })
    }
}

@Suite("OpenBLAS kernel selection")
struct OpenBLASCoreTypeTests {
    @Test("AVX-512 flags choose SkylakeX, AVX2 with FMA chooses Haswell, older CPUs are left to OpenBLAS")
    func coreTypeFromFlags() {
        let avx512: Set<Substring> = [
            "sse2", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl",
        ]
        #expect(OpenBLASCoreType.coreType(flags: avx512) == "SkylakeX")
        // AVX-512 F alone (Knights Landing) lacks BW/DQ/VL: the Haswell kernels.
        #expect(OpenBLASCoreType.coreType(flags: ["avx2", "fma", "avx512f", "avx512cd"]) == "Haswell")
        #expect(OpenBLASCoreType.coreType(flags: ["sse2", "avx", "avx2"]) == nil)
        #expect(OpenBLASCoreType.coreType(flags: ["sse2", "sse3"]) == nil)
    }

    @Test("the CPU flags of this x86-64 Linux machine can be read", .enabled(if: isLinuxX86))
    func flagsAreReadable() throws {
        let flags = try #require(OpenBLASCoreType.cpuFlags())
        #expect(!flags.isEmpty)
    }
}

#if os(Linux) && arch(x86_64)
let isLinuxX86 = true
#else
let isLinuxX86 = false
#endif
