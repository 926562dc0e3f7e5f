// KeeperCLI
