import VAECFCore

/// How this process was started by an MPI launcher (`mpirun`, `mpiexec`, `srun`), read from the variables
/// the launcher sets: Open MPI's `OMPI_COMM_WORLD_*`, else the PMI ones of Hydra and Slurm.
package struct MPILaunch: Sendable, Equatable {
    /// This process's rank in the job.
    package var rank: Int
    /// Processes in the job.
    package var size: Int
    /// Processes of the job on this host, when the launcher says.
    package var localSize: Int?

    package init(rank: Int, size: Int, localSize: Int?) {
        self.rank = rank
        self.size = size
        self.localSize = localSize
    }

    /// The launch described by `environment` (a name-to-value lookup), or nil when no launcher started us.
    package static func detect(environment: (String) -> String? = getEnvironment) -> MPILaunch? {
        func number(_ names: String...) -> Int? {
            for name in names { if let text = environment(name), let value = Int(text) { return value } }
            return nil
        }
        guard let size = number("OMPI_COMM_WORLD_SIZE", "PMI_SIZE"),
            let rank = number("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"), size >= 1, rank >= 0, rank < size
        else { return nil }
        return MPILaunch(rank: rank, size: size, localSize: number("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"))
    }

    /// Threads per process when the user gives none: this host's cores shared by its processes.
    package func defaultThreadCount(cores: Int = ParallelExecutor.defaultThreadCount) -> Int {
        max(1, cores / max(1, localSize ?? 1))
    }
}
