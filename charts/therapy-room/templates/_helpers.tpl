{{/* ---------- names and labels ---------- */}}

{{- define "therapy-room.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "therapy-room.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Resource name of one service: (list $ "identity") */}}
{{- define "therapy-room.svcName" -}}
{{- $ctx := index . 0 -}}
{{- printf "%s-%s" (include "therapy-room.fullname" $ctx) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that are not selectors. */}}
{{- define "therapy-room.metaLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: therapy-room
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
therapy-room/region: {{ .Values.global.region | quote }}
{{- end -}}

{{/* Release-wide labels (no component). */}}
{{- define "therapy-room.commonLabels" -}}
app.kubernetes.io/name: {{ include "therapy-room.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{ include "therapy-room.metaLabels" . }}
{{- end -}}

{{/* Selector labels of one service: (list $ "identity") */}}
{{- define "therapy-room.selectorLabels" -}}
{{- $ctx := index . 0 -}}
app.kubernetes.io/name: {{ include "therapy-room.name" $ctx }}
app.kubernetes.io/instance: {{ $ctx.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Labels of one service's resources: (list $ "identity") */}}
{{- define "therapy-room.labels" -}}
{{ include "therapy-room.selectorLabels" . }}
{{ include "therapy-room.metaLabels" (index . 0) }}
{{- end -}}

{{/* In-cluster URL of a service: (list $ "identity") -> http://<fullname>-identity:3001 */}}
{{- define "therapy-room.serviceUrl" -}}
{{- $ctx := index . 0 -}}
{{- $name := index . 1 -}}
{{- $svc := include "therapy-room.svcConfig" (list $ctx $name) | fromJson -}}
{{- printf "http://%s:%d" (include "therapy-room.svcName" (list $ctx $name)) (int $svc.port) -}}
{{- end -}}

{{/* ---------- values ---------- */}}

{{/*
Deep merge that, unlike sprig's merge/mergeOverwrite, lets an override set false/0/"" (lists are replaced).
(list base override) -> JSON
*/}}
{{- define "therapy-room.merge" -}}
{{- $out := deepCopy (index . 0 | default dict) -}}
{{- range $k, $v := (index . 1 | default dict) -}}
{{- if and (kindIs "map" $v) (kindIs "map" (get $out $k)) -}}
{{- $_ := set $out $k (include "therapy-room.merge" (list (get $out $k) $v) | fromJson) -}}
{{- else -}}
{{- $_ := set $out $k $v -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* One service's effective values (serviceDefaults + services.<name>): (list $ name) -> JSON */}}
{{- define "therapy-room.svcConfig" -}}
{{- $ctx := index . 0 -}}
{{- $name := index . 1 -}}
{{- $raw := index $ctx.Values.services $name | default dict -}}
{{- include "therapy-room.merge" (list $ctx.Values.serviceDefaults $raw) -}}
{{- end -}}

{{/* Image reference: (list $ name imageValues) */}}
{{- define "therapy-room.image" -}}
{{- $ctx := index . 0 -}}
{{- $name := index . 1 -}}
{{- $img := index . 2 | default dict -}}
{{- $g := $ctx.Values.global.image -}}
{{- $repo := $img.repository | default (printf "therapy-room/%s" $name) -}}
{{- if $g.registry -}}{{- $repo = printf "%s/%s" (trimSuffix "/" $g.registry) $repo -}}{{- end -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $repo $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo ($img.tag | default $g.tag | default $ctx.Chart.AppVersion | toString) -}}
{{- end -}}
{{- end -}}

{{- define "therapy-room.dbUrlSecretName" -}}
{{- $ctx := index . 0 -}}{{- $name := index . 1 -}}{{- $svc := index . 2 -}}
{{- $svc.database.urlSecret.name | default (printf "%s-db" (include "therapy-room.svcName" (list $ctx $name))) -}}
{{- end -}}

{{- define "therapy-room.dbAdminSecretName" -}}
{{- $ctx := index . 0 -}}{{- $svc := index . 2 -}}
{{- $svc.database.provision.adminUrlSecret.name | default (printf "%s-db-admin" (include "therapy-room.fullname" $ctx)) -}}
{{- end -}}

{{- define "therapy-room.keysDbUrlSecretName" -}}
{{- $ctx := index . 0 -}}{{- $name := index . 1 -}}{{- $svc := index . 2 -}}
{{- $svc.keysDatabase.urlSecret.name | default (printf "%s-keys-db" (include "therapy-room.svcName" (list $ctx $name))) -}}
{{- end -}}

{{- define "therapy-room.keysDbAdminSecretName" -}}
{{- $ctx := index . 0 -}}{{- $svc := index . 2 -}}
{{- $svc.keysDatabase.adminUrlSecret.name | default (printf "%s-keys-db-admin" (include "therapy-room.fullname" $ctx)) -}}
{{- end -}}

{{- define "therapy-room.keysDbSchema" -}}
{{- $name := index . 1 -}}{{- $svc := index . 2 -}}
{{- $svc.keysDatabase.schema | default (replace "-" "_" $name) -}}
{{- end -}}

{{- define "therapy-room.dbSchema" -}}
{{- $name := index . 1 -}}{{- $svc := index . 2 -}}
{{- $svc.database.schema | default (replace "-" "_" $name) -}}
{{- end -}}

{{/* Pod security context shared by Deployments and hook Jobs. */}}
{{- define "therapy-room.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "therapy-room.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Egress rule list for Kafka / Postgres from global.networkPolicy.<kind>: (dict "np" .) */}}
{{- define "therapy-room.egressTo" -}}
- to:
{{- $except := .np.except | default list }}
{{- range .np.cidrs }}
    - ipBlock:
        cidr: {{ . | quote }}
        {{- with $except }}
        except:
          {{- range . }}
          - {{ . | quote }}
          {{- end }}
        {{- end }}
{{- end }}
{{- with .np.peers }}
{{ toYaml . | indent 4 }}
{{- end }}
  ports:
{{- range .np.ports }}
    - protocol: TCP
      port: {{ int . }}
{{- end }}
{{- end -}}

{{/* ---------- guards ---------- */}}

{{/* Host part of "host:port" (or a bare host). */}}
{{- define "therapy-room.hostOf" -}}
{{- regexReplaceAll ":[0-9]+$" (. | toString | trim) "" | lower -}}
{{- end -}}

{{- define "therapy-room.validate" -}}
{{- $g := .Values.global -}}
{{- $region := $g.region | toString -}}
{{- if not (has $region (list "eea" "uk")) -}}
{{- fail (printf "global.region must be \"eea\" or \"uk\" (got %q): render with -f values-eea.yaml or -f values-uk.yaml" $region) -}}
{{- end -}}

{{/* One region's values file only: region files set regionGuard.valuesFiles {<region>: file}; stacked, the maps merge. */}}
{{- $files := $g.regionGuard.valuesFiles | default dict -}}
{{- if gt (len $files) 1 -}}
{{- fail (printf "region guard: values files of more than one region are stacked (%s): render one region with its own file only" (keys $files | sortAlpha | join ", ")) -}}
{{- end -}}
{{- if not (hasKey $files $region) -}}
{{- fail (printf "region guard: global.regionGuard.valuesFiles must name region %q (got %s): the region values file sets it, and global.region must not be overridden on top of another region's file" $region (toJson $files)) -}}
{{- end -}}

{{/* Region guard: every Kafka / Postgres host must end with the region's allowed suffix. */}}
{{- $suffix := $g.regionGuard.allowedHostSuffix | default "" | lower -}}
{{- if not (hasPrefix "." $suffix) -}}
{{- fail "global.regionGuard.allowedHostSuffix must be set in the region values file and start with \".\" (e.g. \".therapy-room-eea-data.svc.cluster.local\")" -}}
{{- end -}}
{{- if and $g.regionGuard.requireRegionInSuffix (not (regexMatch (printf "(^|[.-])%s([.-]|$)" $region) $suffix)) -}}
{{- fail (printf "global.regionGuard.allowedHostSuffix %q does not name region %q: refusing to point %s services at another region's Kafka/Postgres" $suffix $region $region) -}}
{{- end -}}
{{- if not $g.kafka.brokers -}}
{{- fail "global.kafka.brokers must be set in the region values file" -}}
{{- end -}}
{{- range $g.kafka.brokers -}}
{{- $h := include "therapy-room.hostOf" . -}}
{{- if not (hasSuffix $suffix $h) -}}
{{- fail (printf "region guard: Kafka broker %q is not in region %s (must end with %q)" (toString .) $region $suffix) -}}
{{- end -}}
{{- end -}}

{{- if not $g.internalToken.publicKeys -}}
{{- fail "global.internalToken.publicKeys must hold at least one kid -> PEM public key" -}}
{{- end -}}
{{- range $kid, $pem := $g.internalToken.publicKeys -}}
{{- if contains "PRIVATE KEY" (toString $pem) -}}
{{- fail (printf "global.internalToken.publicKeys.%s is a PRIVATE key: private keys belong in a Secret" $kid) -}}
{{- end -}}
{{- end -}}

{{- if $g.networkPolicy.enabled -}}
{{- if not (or $g.networkPolicy.kafka.cidrs $g.networkPolicy.kafka.peers) -}}
{{- fail "global.networkPolicy.kafka: set cidrs or peers (the region's Kafka), or egress to Kafka is denied" -}}
{{- end -}}
{{- end -}}

{{- $reserved := list "SERVICE_NAME" "REGION" "HOST" "PORT" "METRICS_PORT" "KAFKA_BROKERS" "KAFKA_CLIENT_ID" "KAFKA_TOPIC_PREFIX" "DATABASE_URL" "DATABASE_ADMIN_URL" "DATABASE_OWNER_URL" "DATABASE_SCHEMA" "DATABASE_POOL_MAX" "DATA_KEYS_DATABASE_URL" "DATA_KEYS_ADMIN_URL" "DATA_KEYS_SCHEMA" "DATA_KEYS_POOL_MAX" "INTERNAL_TOKEN_PUBLIC_KEYS" "INTERNAL_TOKEN_PRIVATE_KEY" -}}
{{- $publicCount := 0 -}}
{{- range $name, $_ := .Values.services -}}
{{- $svc := include "therapy-room.svcConfig" (list $ $name) | fromJson -}}
{{- if $svc.enabled -}}
{{- if not (regexMatch "^[a-z][a-z-]*$" $name) -}}
{{- fail (printf "services.%s: service names must match ^[a-z][a-z-]*$" $name) -}}
{{- end -}}
{{- if or (not $svc.port) (lt (int $svc.port) 1024) (gt (int $svc.port) 65535) -}}
{{- fail (printf "services.%s.port must be between 1024 and 65535 (non-root)" $name) -}}
{{- end -}}
{{- if eq (int $svc.port) (int $g.metrics.port) -}}
{{- fail (printf "services.%s.port is global.metrics.port (%d): metrics have their own port" $name (int $g.metrics.port)) -}}
{{- end -}}
{{- if $svc.public -}}{{- $publicCount = add1 $publicCount -}}{{- end -}}
{{- if $svc.database.enabled -}}
{{- $dbHost := include "therapy-room.hostOf" ($svc.database.host | default $g.database.host | default "") -}}
{{- if not $dbHost -}}
{{- fail (printf "services.%s: database enabled but no database host (global.database.host) is set in the region values file" $name) -}}
{{- end -}}
{{- if not (hasSuffix $suffix $dbHost) -}}
{{- fail (printf "region guard: services.%s database host %q is not in region %s (must end with %q)" $name $dbHost $region $suffix) -}}
{{- end -}}
{{- if $g.networkPolicy.enabled -}}
{{- if not (or $g.networkPolicy.postgres.cidrs $g.networkPolicy.postgres.peers) -}}
{{- fail "global.networkPolicy.postgres: set cidrs or peers (the region's Postgres), or egress to Postgres is denied" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $svc.keysDatabase.enabled -}}
{{- $keysHost := include "therapy-room.hostOf" ($g.keysDatabase.host | default "") -}}
{{- if not $keysHost -}}
{{- fail (printf "services.%s: keysDatabase enabled but no key database host (global.keysDatabase.host) is set in the region values file" $name) -}}
{{- end -}}
{{- if not (hasSuffix $suffix $keysHost) -}}
{{- fail (printf "region guard: services.%s key database host %q is not in region %s (must end with %q)" $name $keysHost $region $suffix) -}}
{{- end -}}
{{- if and $g.networkPolicy.enabled (not (or $g.networkPolicy.keysPostgres.cidrs $g.networkPolicy.keysPostgres.peers)) -}}
{{- fail "global.networkPolicy.keysPostgres: set cidrs or peers (the region's key database), or egress to it is denied" -}}
{{- end -}}
{{- end -}}
{{- range $k, $v := $svc.env -}}
{{- if has $k $reserved -}}
{{- fail (printf "services.%s.env.%s is set by the chart (region/Kafka/database settings come from global.*; secrets from secretEnv)" $name $k) -}}
{{- end -}}
{{- if regexMatch "(?i)(PASSWORD|SECRET|PRIVATE|CREDENTIAL|ENCRYPTION|ADMIN_URL|_TOKEN$|_KEY$)" $k -}}
{{- fail (printf "services.%s.env.%s looks like a secret: use secretEnv (a Secret reference), never values/ConfigMaps" $name $k) -}}
{{- end -}}
{{- $sv := toString $v -}}
{{- if or (contains "PRIVATE KEY" $sv) (regexMatch "(?i)^[a-z][a-z0-9+.-]*://[^/@\\s]*:[^/@\\s]*@" $sv) -}}
{{- fail (printf "services.%s.env.%s contains credentials: use secretEnv, never values/ConfigMaps" $name $k) -}}
{{- end -}}
{{- end -}}
{{- with $svc.env.INTERNAL_TOKEN_KID -}}
{{- if not (hasKey $g.internalToken.publicKeys (toString .)) -}}
{{- fail (printf "services.%s.env.INTERNAL_TOKEN_KID %q has no entry in global.internalToken.publicKeys" $name (toString .)) -}}
{{- end -}}
{{- end -}}
{{- range $k, $ref := $svc.secretEnv -}}
{{- if not (and (kindIs "map" $ref) $ref.secretName $ref.key) -}}
{{- fail (printf "services.%s.secretEnv.%s must be {secretName, key}" $name $k) -}}
{{- end -}}
{{- end -}}
{{- if and $svc.ingress.enabled (not $svc.public) -}}
{{- fail (printf "services.%s: only a public service (the gateway) may have an Ingress" $name) -}}
{{- end -}}
{{- if and $svc.ingress.enabled (not $svc.ingress.host) -}}
{{- fail (printf "services.%s.ingress.host must be set in the region values file" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if gt $publicCount 1 -}}
{{- fail "only one service (the gateway) may be public" -}}
{{- end -}}

{{/* At install/upgrade: the target namespace must be labelled with this region (lookup is empty under `helm template`). */}}
{{- $ns := lookup "v1" "Namespace" "" .Release.Namespace -}}
{{- if $ns -}}
{{- $nsRegion := (($ns.metadata).labels | default dict) | dig "therapy-room/region" "" -}}
{{- if and $nsRegion (ne $nsRegion $region) -}}
{{- fail (printf "region guard: namespace %s is labelled therapy-room/region=%s but global.region is %s: wrong cluster or wrong values file" .Release.Namespace $nsRegion $region) -}}
{{- end -}}
{{- if and (not $nsRegion) $g.regionGuard.requireNamespaceRegionLabel -}}
{{- fail (printf "region guard: namespace %s has no therapy-room/region label (apply k8s/%s/namespaces.yaml first)" .Release.Namespace $region) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
checksum/secrets of a service's pods: the data of every Secret they read (database URLs, secretEnv,
the Kafka CA), looked up in the cluster at install/upgrade, plus global.secretsRevision. A rotated
password or key rolls exactly the pods that read it on the next upgrade; under `helm template` (no
cluster) the lookups are empty and only secretsRevision counts.
*/}}
{{- define "therapy-room.secretsChecksum" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}{{- $svc := index . 2 -}}
{{- $g := $root.Values.global -}}
{{- $names := list -}}
{{- if $svc.database.enabled -}}
{{- $names = append $names (include "therapy-room.dbUrlSecretName" (list $root $name $svc)) -}}
{{- with $svc.database.ownerUrlSecret }}{{ $names = append $names .name }}{{ end -}}
{{- end -}}
{{- if $svc.keysDatabase.enabled -}}
{{- $names = append $names (include "therapy-room.keysDbUrlSecretName" (list $root $name $svc)) -}}
{{- end -}}
{{- range $k, $ref := $svc.secretEnv }}{{ $names = append $names $ref.secretName }}{{ end -}}
{{- if $g.kafka.tls.enabled }}{{ with $g.kafka.tls.caSecret.name }}{{ $names = append $names . }}{{ end }}{{ end -}}
{{- $data := dict -}}
{{- range $n := $names | uniq | sortAlpha -}}
{{- $found := lookup "v1" "Secret" $root.Release.Namespace $n -}}
{{- $_ := set $data $n (get $found "data" | default dict) -}}
{{- end -}}
{{- list $data ($g.secretsRevision | default "" | toString) | toJson | sha256sum -}}
{{- end -}}

{{/* A service's container env (its Deployment and its CronJobs): secrets by reference only. */}}
{{- define "therapy-room.serviceEnv" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}{{- $svc := index . 2 -}}
- name: NODE_ENV
  value: production
{{- if $svc.database.enabled }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "therapy-room.dbUrlSecretName" (list $root $name $svc) }}
      key: {{ $svc.database.urlSecret.key | default "url" }}
{{- with $svc.database.ownerUrlSecret }}
# The schema's owner, for migrations only (audit: the runtime role may not change the log).
- name: DATABASE_OWNER_URL
  valueFrom:
    secretKeyRef:
      name: {{ .name }}
      key: {{ .key | default "url" }}
{{- end }}
{{- end }}
{{- if $svc.keysDatabase.enabled }}
# The service's key role in the region's key database (data keys live apart from the data).
- name: DATA_KEYS_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "therapy-room.keysDbUrlSecretName" (list $root $name $svc) }}
      key: {{ $svc.keysDatabase.urlSecret.key | default "url" }}
{{- end }}
{{- range $k, $ref := $svc.secretEnv }}
- name: {{ $k }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.secretName }}
      key: {{ $ref.key }}
{{- end }}
{{- end -}}
