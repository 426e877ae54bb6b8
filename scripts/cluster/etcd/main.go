// etcd server built from its Go module (Debian's etcd-server is too old for Kubernetes 1.34).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
