// KeeperServer
