import Foundation
import Testing
import VAECF

@Suite("configuration files")
struct RunConfigurationFileTests {
    static func tunedConfiguration() -> RunConfiguration {
        var training = TrainingConfiguration(preset: .paper, seed: 9)
        training.epochs = 37
        training.lam = 0.000123
        training.learningRate = 0.00271
        training.annealCap = 0.31
        training.totalAnnealSteps = 4560
        return RunConfiguration(
            model: .multvae, encoderDimensions: [64, 16], activation: .relu, keepProbability: 0.72, training: training)
    }

    @Test("a written configuration reads back equal, with every setting given")
    func roundTrip() throws {
        let validation = RankingMetrics(ndcg: [100: 0.25], recall: [20: 0.2, 50: 0.3], userCount: 40)
        let file = RunConfigurationFile(
            configuration: Self.tunedConfiguration(), validation: validation, source: "test")
        let read = try RunConfigurationFile.decode(file.encoded(), path: "x.json")
        #expect(read == file)
        #expect(read.givenKeys.contains("keep-probability") && read.givenKeys.contains("lr"))
        let text = String(decoding: file.encoded(), as: UTF8.self)
        #expect(text.contains("\"lr\" : 0.00271") && text.contains("\"encoder-dims\" : ["), "\(text)")

        var ease = RunConfiguration(model: .ease)
        ease.easeLambda = 812
        let easeFile = RunConfigurationFile(configuration: ease)
        #expect(try RunConfigurationFile.decode(easeFile.encoded(), path: "e.json").configuration.easeLambda == 812)
    }

    @Test("a partial file keeps the paper preset for what it does not give")
    func partial() throws {
        let text =
            #"{"format": "vaecf-configuration", "version": 1, "model": "multdae", "settings": {"lam": 0, "epochs": 7}}"#
        let file = try RunConfigurationFile.decode(Data(text.utf8), path: "p.json")
        #expect(file.configuration.model == .multdae)
        #expect(file.configuration.training.lam == 0 && file.configuration.training.epochs == 7)
        #expect(file.configuration.training.learningRate == TrainingConfiguration(preset: .paper).learningRate)
        #expect(file.givenKeys == ["lam", "epochs"])
    }

    @Test(
        "bad files are refused with the file, the key and what was expected",
        arguments: [
            ("not json {", "not a vaecf configuration file"),
            (#"[1, 2]"#, "not a JSON object"),
            (
                #"{"format": "other", "version": 1, "model": "multvae", "settings": {}}"#,
                "'format' must be \"vaecf-configuration\", found \"other\""
            ),
            (
                #"{"format": "vaecf-configuration", "version": 2, "model": "multvae", "settings": {}}"#,
                "'version' must be 1, found 2"
            ),
            (
                #"{"format": "vaecf-configuration", "version": 1, "model": "bert", "settings": {}}"#,
                "'model' must be one of \"multvae\""
            ),
            (
                #"{"format": "vaecf-configuration", "version": 1, "model": "multvae"}"#,
                "'settings' must be an object, found nothing"
            ),
            (
                #"{"format": "vaecf-configuration", "version": 1, "model": "multvae", "settings": {}, "extra": 1}"#,
                "unknown key 'extra'"
            ),
            (
                #"{"format": "vaecf-configuration", "version": 1, "model": "multvae", "settings": {"lrate": 0.1}}"#,
                "unknown key 'settings.lrate'; expected one of"
            ),
            (
                #"{"format": "vaecf-configuration", "version": 1, "model": "multvae", "settings": {"lr": "fast"}}"#,
                "'settings.lr' must be a number, found \"fast\""
            ),
            (
                #"{"format": "vaecf-configuration", "version": 1, "model": "multvae", "settings": {"epochs": 2.5}}"#,
                "'settings.epochs' must be an integer, found 2.5"
            ),
            (
                #"{"format": "vaecf-configuration", "version": 1, "model": "multvae", "settings": {"encoder-dims": [600, -1]}}"#,
                "'settings.encoder-dims' must be an array of positive integers"
            ),
            (
                #"{"format": "vaecf-configuration", "version": 1, "model": "multvae", "settings": {"activation": "gelu"}}"#,
                "'settings.activation' must be one of \"tanh\", \"relu\""
            ),
            (
                #"{"format": "vaecf-configuration", "version": 1, "model": "multvae", "settings": {"epochs": 0}}"#,
                "epochs is 0, at least 1 is needed"
            ),
            (
                #"{"format": "vaecf-configuration", "version": 1, "model": "multvae", "settings": {"keep-probability": 1.5}}"#,
                "keep-probability is 1.5, it must be in (0, 1]"
            ),
        ])
    func refused(text: String, message: String) {
        #expect {
            try RunConfigurationFile.decode(Data(text.utf8), path: "/some/config.json")
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("/some/config.json: ") && description.contains(message)
        }
    }

    @Test("a missing file is named in the error")
    func missing() {
        let path = "/nonexistent-\(UUID().uuidString)/config.json"
        #expect(throws: RunConfigurationFileError.self) { try RunConfigurationFile.read(URL(fileURLWithPath: path)) }
        do { _ = try RunConfigurationFile.read(URL(fileURLWithPath: path)) } catch {
            #expect(error.description.contains(path) && error.description.contains("cannot read"))
        }
    }
}
