// KeeperNode
