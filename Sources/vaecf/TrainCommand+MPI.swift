import Foundation
import VAECF
import VAECFMPI

extension TrainCommand {
    /// Runs as rank `launch.rank` of an MPI job: starts MPI (or says clearly why it cannot), trains as a member
    /// of the job, and on any error prints it with this rank's name and ends the whole job (`MPI_Abort`), so
    /// no other rank is left waiting.
    func runAsRank(of launch: MPILaunch) throws {
        let communicator: MPICommunicator
        do {
            communicator = try MPICommunicator()
        } catch {
            throw CommandFailure(
                "started by an MPI launcher as rank \(launch.rank) of \(launch.size), but MPI cannot be used: \(error). Install Open MPI's library (Debian: apt-get install libopenmpi3) or set VAECF_MPI to its path; a single process needs no mpirun."
            )
        }
        if communicator.rank == 0 {
            printError("mpi: \(communicator.size) ranks, \(communicator.libraryDescription)")
        }
        do {
            try train(group: communicator)
        } catch {
            printError("error: rank \(communicator.rank) of \(communicator.size) on \(communicator.hostName): \(error)")
            communicator.abort(code: 1)
        }
        communicator.finish()
    }
}
