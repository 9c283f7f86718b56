import VAECFCore
