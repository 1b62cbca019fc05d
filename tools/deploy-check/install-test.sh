#!/usr/bin/env bash
# Install test (CI and local): the chart installed by helm into a real Kubernetes API server
# (kube-apiserver and etcd of Kubernetes $KUBERNETES_VERSION, built from the Go module proxy by
# tools/deploy-check/kube-apiserver, cached under ~/.cache/therapy-room/tools) with Pod Security
# admission enforcing "restricted" in every namespace:
#   1. the operators' CRDs (from the schemas stored in tools/deploy-check/schemas/crds), then each
#      region's k8s/<region>/ (namespaces with their Pod Security labels, Kafka, PostgreSQL, network
#      policies, CA bundle) applied with strict field validation;
#   2. `helm install` of each region's values and of the dedicated-deployment example into its
#      namespace; the pre-install hooks (provision Jobs and their ServiceAccounts and policies) are
#      created from `helm get hooks` (run, they would wait for a Job no kubelet runs);
#   3. the Pods of every Deployment, Job and CronJob (the hooks' included) created with
#      --dry-run=server: Pod Security admission enforces on Pods only, and no controller makes them;
#   4. refusals: a privileged Pod in each namespace, a release into another region's namespace or into
#      an unlabelled one (the chart's lookup guards, which `helm template` cannot exercise), and an
#      upgrade that releases one service re-provisions and restarts that service only.
# No kubelet, scheduler or controllers: objects are admitted and stored, nothing runs.
#   tools/deploy-check/install-test.sh            # builds the API server once (a few minutes), then ~1 min
#   INSTALL_TEST_PORT=36443 tools/deploy-check/install-test.sh
#   KEEP_STATE=1 tools/deploy-check/install-test.sh   # keep the state dir (API server log, rendered hooks)
#   tools/deploy-check/install-test.sh --serve    # only build and start the API server, in the foreground,
#                                                 # for trying things by hand (KUBECONFIG printed; Ctrl-C stops it)
set -euo pipefail
cd "$(dirname "$0")/../.."

KUBERNETES_VERSION=v1.37.2 # as required in tools/deploy-check/kube-apiserver/go.mod
HELM_VERSION=v3.21.4       # as in tools/deploy-check/run.sh
chart=charts/therapy-room
cache="${THERAPY_ROOM_CACHE:-$HOME/.cache/therapy-room}/tools"
port=${INSTALL_TEST_PORT:-36443} # etcd takes the next two ports

say() { echo "install-test: $*"; }
die() {
  echo "install-test: FAILED: $*" >&2
  exit 1
}
started=$SECONDS

# --- the tools: helm (as run.sh builds it) and the API server binary (kube-apiserver + kubectl)
command -v go > /dev/null || die "Go is needed to build helm and kube-apiserver"
helm="$cache/helm-$HELM_VERSION/helm"
if [ ! -x "$helm" ]; then
  say "building helm $HELM_VERSION from the Go module proxy (once; cached in $cache)"
  GOBIN="$cache/helm-$HELM_VERSION" GOFLAGS=-buildvcs=false go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" ||
    die "go install helm $HELM_VERSION failed"
fi
src=tools/deploy-check/kube-apiserver
grep -qE "^\s*k8s.io/kubernetes $KUBERNETES_VERSION$" "$src/go.mod" ||
  die "$src/go.mod does not require k8s.io/kubernetes $KUBERNETES_VERSION"
key=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-12)
kas="$cache/kube-apiserver-$KUBERNETES_VERSION-$key/kube-apiserver"
if [ ! -x "$kas" ]; then
  say "building kube-apiserver $KUBERNETES_VERSION with etcd and kubectl from the Go module proxy (once; cached in $cache)"
  build_started=$SECONDS
  minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
  (cd "$src" && GOFLAGS=-buildvcs=false go build -o "$kas.partial" -ldflags "-s -w \
    -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION \
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" .) ||
    die "building $src failed"
  mv "$kas.partial" "$kas"
  find "$cache" -maxdepth 1 -name 'kube-apiserver-*' ! -path "$(dirname "$kas")" -exec rm -rf {} + # older builds
  say "built in $((SECONDS - build_started)) s: $kas ($(du -m "$kas" | cut -f1) MB)"
fi

# --- the API server
state=$(mktemp -d)
if [ "${1:-}" = --serve ]; then
  say "export KUBECONFIG=$state/kubeconfig; kubectl: $kas kubectl ...; helm: $helm (state in $state)"
  exec "$kas" serve "$state" "$port"
fi
"$kas" serve "$state" "$port" > "$state/apiserver.log" 2>&1 &
server=$!
stop() {
  kill "$server" 2> /dev/null && wait "$server" 2> /dev/null
  if [ -n "${KEEP_STATE:-}" ]; then say "state kept in $state"; else rm -rf "$state"; fi
}
trap stop EXIT
export KUBECONFIG="$state/kubeconfig"
k() { "$kas" kubectl "$@"; }
for _ in $(seq 1 180); do
  kill -0 "$server" 2> /dev/null || die "the API server exited: $(tail -n 20 "$state/apiserver.log")"
  [ -f "$KUBECONFIG" ] && k get --raw /readyz > /dev/null 2>&1 && break
  sleep 1
done
k get --raw /readyz > /dev/null 2>&1 || die "the API server is not ready after 180 s: $(tail -n 20 "$state/apiserver.log")"
say "kube-apiserver $(k version -o json | node -pe 'JSON.parse(require("fs").readFileSync(0)).serverVersion.gitVersion') ready on 127.0.0.1:$port after $((SECONDS - started)) s"

# --- 1. CRDs and the cluster side of both regions (k8s/)
node tools/deploy-check/crds-from-schemas.mjs | k apply --server-side --validate=strict -f - > /dev/null ||
  die "the operators' CRDs were refused"
established=no
for _ in $(seq 1 30); do # (kubectl wait fails at once on a CRD that has no conditions yet)
  k wait --for condition=established --timeout=60s crd --all > /dev/null 2>&1 && established=yes && break
  sleep 1
done
[ "$established" = yes ] || die "the CRDs are not established"
apply() { # apply <file or dir> [kubectl args]: server-side, unknown fields refused, no warning tolerated
  local file=$1 log="$state/apply.log"
  shift
  k apply --server-side --validate=strict -f "$file" "$@" > "$log" 2>&1 ||
    die "applying $file was refused: $(grep -v ' serverside-applied$' "$log" | cut -c1-600)"
  ! grep -i 'warning' "$log" || die "applying $1 drew warnings"
}
for region in eea uk; do
  apply "k8s/$region/namespaces.yaml"
  apply "k8s/$region/"
done
# The dedicated deployment's namespace, labelled as k8s/eea/namespaces.yaml labels the region's.
sed -e 's/therapy-room-eea-data/therapy-room-acme-eea-data/; s/name: therapy-room-eea$/name: therapy-room-acme/' \
  k8s/eea/namespaces.yaml > "$state/acme-namespaces.yaml"
apply "$state/acme-namespaces.yaml"
say "CRDs and k8s/ of both regions admitted (strict field validation, Pod Security labels on every namespace)"

namespaces=(therapy-room-eea therapy-room-eea-data therapy-room-uk therapy-room-uk-data therapy-room-acme therapy-room-acme-eea-data)
# ServiceAccount admission needs the namespace's default ServiceAccount (the controller-manager's job).
for ns in "${namespaces[@]}"; do
  k create serviceaccount default -n "$ns" > /dev/null
done

# --- 2. helm install each release
install() { # install <namespace> <values file>: helm install without running hooks, then create the hooks
  local ns=$1 values=$2 log="$state/helm.log"
  "$helm" install therapy-room "$chart" -n "$ns" -f "$values" --no-hooks > "$log" 2>&1 ||
    die "helm install into $ns was refused: $(cat "$log")"
  ! grep -i 'warning' "$log" || die "helm install into $ns drew warnings"
  "$helm" get hooks therapy-room -n "$ns" > "$state/hooks-$ns.yaml"
  grep -q 'kind: Job' "$state/hooks-$ns.yaml" || die "$ns: the release has no provision Job among its hooks"
  apply "$state/hooks-$ns.yaml" -n "$ns"
}
install therapy-room-eea "$chart/values-eea.yaml"
install therapy-room-uk "$chart/values-uk.yaml"
install therapy-room-acme "$chart/examples/values-dedicated-acme.yaml"
say "helm install of eea, uk and the dedicated example admitted, hooks included"

# --- 3. every pod template admitted by Pod Security "restricted" as a Pod
for ns in therapy-room-eea therapy-room-uk therapy-room-acme; do
  k get deployments,statefulsets,daemonsets,jobs,cronjobs -n "$ns" -o json > "$state/workloads.json"
  workloads=$(node -pe 'JSON.parse(require("fs").readFileSync(0)).items.length' < "$state/workloads.json")
  [ "$workloads" -gt 0 ] || die "$ns: no workloads installed"
  node tools/deploy-check/pods-from-workloads.mjs < "$state/workloads.json" > "$state/pods.json"
  k create --dry-run=server -f "$state/pods.json" > "$state/pods.log" 2>&1 ||
    die "$ns: Pod Security admission refused pods of the chart: $(cat "$state/pods.log")"
  ! grep -i 'warning' "$state/pods.log" || die "$ns: pods drew warnings"
  created=$(grep -c 'created (server dry run)' "$state/pods.log")
  [ "$created" -eq "$workloads" ] || die "$ns: $created of $workloads pods admitted: $(cat "$state/pods.log")"
  say "$ns: the pods of all $workloads workloads admitted under Pod Security restricted"
done

# --- 4. refusals
refused=0
expect_refused() { # expect_refused <what> <expected message (ERE)> <command...>
  local what=$1 expected=$2 log="$state/refused.log"
  shift 2
  if "$@" > "$log" 2>&1; then die "not refused: $what"; fi
  grep -qE "$expected" "$log" || die "'$what' failed with another message than /$expected/: $(tr '\n' ' ' < "$log")"
  refused=$((refused + 1))
}
for ns in "${namespaces[@]}"; do
  expect_refused "a privileged pod in $ns" 'violates PodSecurity "restricted:latest": .*privileged' \
    k run privileged -n "$ns" --image=registry.example.org/busybox --restart=Never --dry-run=server \
    --overrides='{"spec":{"containers":[{"name":"privileged","image":"registry.example.org/busybox","securityContext":{"privileged":true}}]}}'
done
expect_refused 'a pod running as root (no runAsNonRoot) in therapy-room-eea' 'violates PodSecurity "restricted:latest": .*runAsNonRoot' \
  k run root -n therapy-room-eea --image=registry.example.org/busybox --restart=Never --dry-run=server
expect_refused 'the EEA release into the UK namespace' \
  'region guard: namespace therapy-room-uk is labelled therapy-room/region=uk but global.region is eea' \
  "$helm" install therapy-room-eea-here "$chart" -n therapy-room-uk -f "$chart/values-eea.yaml" --no-hooks --dry-run=server
expect_refused 'the UK release into the dedicated EEA deployment' \
  'region guard: namespace therapy-room-acme is labelled therapy-room/region=eea but global.region is uk' \
  "$helm" install therapy-room-uk-here "$chart" -n therapy-room-acme -f "$chart/values-uk.yaml" --no-hooks --dry-run=server
k create namespace therapy-room-unlabelled > /dev/null
expect_refused 'a release into a namespace without a region label' \
  'region guard: namespace therapy-room-unlabelled has no therapy-room/region label' \
  "$helm" install therapy-room "$chart" -n therapy-room-unlabelled -f "$chart/values-eea.yaml" --no-hooks --dry-run=server
say "$refused refusals as expected (Pod Security restricted, the chart's namespace guards)"

# --- 5. releasing one service: its provisioning and its pods only (the chart looks up the running release)
generations() { k get deployments -n therapy-room-eea -o jsonpath='{range .items[*]}{.metadata.name}={.metadata.generation}{"\n"}{end}'; }
before=$(generations)
"$helm" upgrade therapy-room "$chart" -n therapy-room-eea -f "$chart/values-eea.yaml" --no-hooks > /dev/null ||
  die "helm upgrade with unchanged values failed"
! "$helm" get hooks therapy-room -n therapy-room-eea | grep -q 'kind: Job' ||
  die "an upgrade that changes nothing must provision nothing (it rendered provision Jobs)"
[ "$(generations)" = "$before" ] || die "an upgrade that changes nothing restarted Deployments"
digest=sha256:$(printf 'identity-release' | sha256sum | cut -d' ' -f1)
"$helm" upgrade therapy-room "$chart" -n therapy-room-eea -f "$chart/values-eea.yaml" --no-hooks \
  --set services.identity.image.digest="$digest" > /dev/null || die "helm upgrade of identity's image failed"
jobs=$("$helm" get hooks therapy-room -n therapy-room-eea | sed -n 's/^  name: \(.*-provision\)$/\1/p' | sort -u | tr '\n' ' ')
[ "$jobs" = "therapy-room-identity-provision " ] || die "releasing identity must provision identity only (hooks: [$jobs])"
changed=$({ diff <(echo "$before") <(generations) || true; } | sed -n 's/^> \([^=]*\)=.*/\1/p' | tr '\n' ' ')
[ "$changed" = "therapy-room-identity " ] || die "releasing identity must restart identity only (changed: [$changed])"
say "upgrades: unchanged values provision and restart nothing; identity's new image provisions and restarts identity alone"

say "ok in $((SECONDS - started)) s"
