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

/// libFuzzer's per-input callback (the binary is built with `-sanitize=fuzzer`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    libFuzzerTarget.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}

/// libFuzzer's driver: parses the libFuzzer options in `argv` and runs the fuzzing loop.
@_silgen_name("LLVMFuzzerRunDriver")
func runLibFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The entry point SwiftPM links as `main` for this executable target; libFuzzer's own `main` is therefore
/// not used, so it hands over to libFuzzer's driver.
@_cdecl("vaecf_fuzz_main")
public func libFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runLibFuzzerDriver(&count, &arguments, fuzzOneInput)
}
#endif
