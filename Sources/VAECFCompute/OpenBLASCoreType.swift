#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Chooses OpenBLAS's kernel set from the CPU flags before OpenBLAS is loaded.
///
/// OpenBLAS built with `DYNAMIC_ARCH` (Debian's `libopenblas0-pthread` 0.3.21) identifies the CPU by family and
/// model number, and falls back to its `Prescott` (SSE3) kernels for models it does not know, such as recent
/// Xeons behind a hypervisor: about 30 instead of 140 GFLOP/s per core here. OpenBLAS reads
/// `OPENBLAS_CORETYPE` when it is loaded, so when the variable is unset we set it from the instruction sets
/// the kernel reports (`/proc/cpuinfo`, which lists AVX-512 only when the OS saves its registers):
/// `SkylakeX` for AVX-512 F/CD/BW/DQ/VL, `Haswell` for AVX2 with FMA, nothing otherwise. A value set by the
/// user is never changed. Linux on x86-64 only.
enum OpenBLASCoreType {
    static let variable = "OPENBLAS_CORETYPE"

    /// Sets `OPENBLAS_CORETYPE` when it is unset and the CPU flags call for a better kernel set than the
    /// baseline; returns the value set, if any. Call it before `dlopen` of OpenBLAS; it changes the process
    /// environment, so call it before other threads read the environment.
    @discardableResult
    static func configureIfUnset() -> String? {
        #if os(Linux) && arch(x86_64)
        guard getenv(variable) == nil, let flags = cpuFlags(), let core = coreType(flags: flags) else { return nil }
        setenv(variable, core, 0)
        return core
        #else
        return nil
        #endif
    }

    /// Undoes `configureIfUnset` when OpenBLAS could not be loaded after all.
    static func removeConfiguration() {
        unsetenv(variable)
    }

    /// The OpenBLAS core name for a set of `/proc/cpuinfo` flags, or nil to let OpenBLAS decide.
    static func coreType(flags: Set<Substring>) -> String? {
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy({ flags.contains($0) }) {
            return "SkylakeX"
        }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The `flags` line of the first processor in `/proc/cpuinfo`.
    static func cpuFlags() -> Set<Substring>? {
        guard let text = readSmallFile("/proc/cpuinfo") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " "))
        }
        return nil
    }

    /// A whole text file read with POSIX calls (the module avoids Foundation); nil when it cannot be read.
    private static func readSmallFile(_ path: String, limit: Int = 1 << 22) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
