import Testing
import VAECFMPI

@Suite("MPI launch detection")
struct MPILaunchTests {
    @Test("Open MPI's variables give rank, size and the ranks on this host")
    func openMPI() {
        let environment = ["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_RANK": "3", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"]
        let launch = MPILaunch.detect { environment[$0] }
        #expect(launch == MPILaunch(rank: 3, size: 4, localSize: 2))
        #expect(launch?.defaultThreadCount(cores: 8) == 4)
        #expect(launch?.defaultThreadCount(cores: 1) == 1)
    }

    @Test("PMI variables of Hydra and Slurm are understood too")
    func processManagementInterface() {
        let environment = ["PMI_SIZE": "2", "PMI_RANK": "1"]
        #expect(MPILaunch.detect { environment[$0] } == MPILaunch(rank: 1, size: 2, localSize: nil))
    }

    @Test("no launcher, or inconsistent values, means no launch")
    func absent() {
        #expect(MPILaunch.detect { _ in nil } == nil)
        let broken = ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "2"]
        #expect(MPILaunch.detect { broken[$0] } == nil)
        let unparsable = ["OMPI_COMM_WORLD_SIZE": "two", "OMPI_COMM_WORLD_RANK": "0"]
        #expect(MPILaunch.detect { unparsable[$0] } == nil)
    }
}
