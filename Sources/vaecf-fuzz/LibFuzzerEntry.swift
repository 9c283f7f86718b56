#if VAECF_LIBFUZZER
import Foundation

/// The target of this process, from `VAECF_FUZZ_TARGET` (see `Scripts/fuzz.sh`).
let libFuzzerTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["VAECF_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        fatalError("set VAECF_FUZZ_TARGET to one of \(names)")
    }
    return target
}()

/// libFuzzer's entry point (the binary is built with `-sanitize=fuzzer`, which supplies `main`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    libFuzzerTarget.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
#endif
