// KeeperClient
