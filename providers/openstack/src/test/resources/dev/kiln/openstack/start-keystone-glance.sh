#!/usr/bin/env bash
# Starts a real Keystone and Glance (Debian's python3-keystone and python3-glance) on 127.0.0.1 with sqlite,
# fernet tokens, a templated catalog and a file store, all under folder R. Used by the openstack provider's tests.
# Usage: start-keystone-glance.sh R KEYSTONE_PORT GLANCE_PORT CATALOG_IMAGE_URL CATALOG_COMPUTE_URL
# (the compute endpoint is where a test's Nova stand-in listens when it runs one)
# Prints the two daemon pids on the last line: "pids KEYSTONE GLANCE". Logs are R/keystone.log and R/glance.log.
set -euo pipefail
R=$1; KP=$2; GP=$3; IMAGE_URL=$4; COMPUTE_URL=$5
PY=/usr/bin/python3
mkdir -p "$R"/{fernet-keys,fernet-receipts,credential-keys,images,staging,tasks}
chmod 700 "$R"/fernet-keys "$R"/fernet-receipts "$R"/credential-keys

cat > "$R/keystone.conf" <<CONF
[DEFAULT]
log_file = $R/keystone.log
[database]
connection = sqlite:///$R/keystone.sqlite
[token]
provider = fernet
[fernet_tokens]
key_repository = $R/fernet-keys
[fernet_receipts]
key_repository = $R/fernet-receipts
[credential]
key_repository = $R/credential-keys
[catalog]
driver = templated
template_file = $R/catalog.templates
CONF

cat > "$R/catalog.templates" <<CONF
catalog.RegionOne.identity.publicURL = http://127.0.0.1:$KP/v3
catalog.RegionOne.identity.internalURL = http://127.0.0.1:$KP/v3
catalog.RegionOne.identity.adminURL = http://127.0.0.1:$KP/v3
catalog.RegionOne.identity.name = Identity Service
catalog.RegionOne.image.publicURL = $IMAGE_URL
catalog.RegionOne.image.internalURL = http://127.0.0.1:$GP
catalog.RegionOne.image.adminURL = http://127.0.0.1:$GP
catalog.RegionOne.image.name = Image Service
catalog.RegionOne.compute.publicURL = $COMPUTE_URL
catalog.RegionOne.compute.name = Compute Service
CONF

cat > "$R/glance-api.conf" <<CONF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $GP
workers = 1
log_file = $R/glance.log
enabled_backends = fs:file
enabled_import_methods = [glance-direct,web-download,copy-image]
[database]
connection = sqlite:///$R/glance.sqlite
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $R/images
[os_glance_staging_store]
filesystem_store_datadir = $R/staging
[os_glance_tasks_store]
filesystem_store_datadir = $R/tasks
[import_filtering_opts]
# web-download from the tests' own server on 127.0.0.1 (Glance refuses loopback hosts unless listed, and allows only
# ports 80 and 443 unless told otherwise)
allowed_hosts = [127.0.0.1]
allowed_ports = []
[paste_deploy]
flavor = keystone
config_file = $R/glance-api-paste.ini
[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:$KP/v3
auth_url = http://127.0.0.1:$KP/v3
auth_type = password
username = admin
password = secret
project_name = admin
user_domain_name = Default
project_domain_name = Default
service_token_roles_required = false
[oslo_policy]
enforce_new_defaults = false
CONF

cat > "$R/glance-api-paste.ini" <<CONF
[pipeline:glance-api-keystone]
pipeline = cors healthcheck http_proxy_to_wsgi versionnegotiation osprofiler authtoken context rootapp

[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app

[app:apiversions]
paste.app_factory = glance.api.versions:create_resource

[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory

[filter:healthcheck]
paste.filter_factory = oslo_middleware:Healthcheck.factory
backends = disable_by_file
disable_by_file_path = $R/healthcheck_disable

[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory

[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true

[filter:osprofiler]
paste.filter_factory = osprofiler.web:WsgiMiddleware.factory

[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = glance
oslo_config_program = glance-api

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory
CONF

# Both services run in one process on sqlite, where a reader blocks a writer of another connection in the default
# (rollback journal) mode. Keystone leaves a connection of POST /v3/auth/tokens holding its read (SHARED) lock until
# Python's cyclic garbage collector frees it; a write (POST /v3/users) that comes before that collection waits out
# sqlite's 5 s busy timeout and fails: "database is locked", which keystone-wsgi-public answers with a bare 500
# ("A server error occurred"). In WAL mode readers do not block writers. The mode is kept in the database file.
wal() {
  $PY -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); m = c.execute("pragma journal_mode=wal").fetchone()[0]
assert m == "wal", m' "$1"
}

# Glance's schema is made while Keystone's steps run (each is a Python start-up of several seconds); the key
# repositories are files only, so they are set up beside Keystone's db_sync
$PY -m glance.cmd.manage --config-file "$R/glance-api.conf" db_sync > "$R/glance-manage.log" 2>&1 &
GLANCE_DB=$!
K="$PY /usr/bin/keystone-manage --config-file $R/keystone.conf"
$K fernet_setup --keystone-user root --keystone-group root 2> "$R/keystone-fernet.err" &
FERNET=$!
$K credential_setup --keystone-user root --keystone-group root 2> "$R/keystone-credential.err" &
CREDENTIAL=$!
$K db_sync 2> "$R/keystone-manage.err"
wal "$R/keystone.sqlite"
wait "$FERNET"
wait "$CREDENTIAL"
$K bootstrap --bootstrap-password secret 2>> "$R/keystone-manage.err"  # the catalog is templated: no --bootstrap-public-url

OS_KEYSTONE_CONFIG_FILES="$R/keystone.conf" setsid $PY /usr/bin/keystone-wsgi-public --host 127.0.0.1 --port "$KP" \
  > "$R/keystone.out" 2>&1 < /dev/null &
KPID=$!
wait "$GLANCE_DB" || { kill "$KPID"; echo "glance db_sync failed: see $R/glance-manage.log"; exit 1; }
wal "$R/glance.sqlite" || { kill "$KPID"; echo "could not put glance.sqlite in WAL mode"; exit 1; }

setsid $PY -m glance.cmd.api --config-file "$R/glance-api.conf" > "$R/glance.out" 2>&1 < /dev/null &
GPID=$!
echo "pids $KPID $GPID"
