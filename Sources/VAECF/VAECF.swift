// One `import VAECF` gives a library user every public type, including the few declared in the lower-level
// modules and used by this module's API: `ComputePrecision` and `Activation` (VAECFCompute), `DataError`
// (VAECFData) and `AtomicFileError` (VAECFCore). Those modules' other declarations are `package`, so nothing
// else becomes visible through these re-exports.
@_exported import VAECFCompute
@_exported import VAECFCore
@_exported import VAECFData
