// The help text of `juju-reactive serve`, apart from the command so that listing the CLI's
// commands does not load the HTTP server.

/** The usage text of `serve`. */
export const SERVE_USAGE = `usage: juju-reactive serve [options]

Runs simulated deployments of a charm behind Mysos' cluster API (POST/DELETE /clusters/<name>,
GET /clusters, GET /events) with a live dashboard at /.

options:
      --charm <dir>     the charm to deploy (default: the mysql-innodb-cluster example)
      --host <addr>     address to bind (default 127.0.0.1; anything else exposes the API)
  -p, --port <n>        port (default 8080; 0 picks a free one)
      --pace <ms>       pause between hooks so you can watch (default 40)
      --quiet           no request log on stderr
      --zk <url>        publish every cluster to ZooKeeper as a Mysos ServerSet
                        (zk://host:port[,host:port]/path); cluster_url is then
                        zk://host:port/path/discover/<name>
`;
