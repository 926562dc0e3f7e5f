// KeeperCore
