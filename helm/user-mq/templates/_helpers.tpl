{{/*
Name of the chart, or nameOverride.
*/}}
{{- define "user-mq.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: release-chart, or the release name alone when it already contains the chart name.
Truncated to 63 characters, the limit of DNS names.
*/}}
{{- define "user-mq.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "user-mq.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every resource.
*/}}
{{- define "user-mq.labels" -}}
helm.sh/chart: {{ include "user-mq.chart" . }}
{{ include "user-mq.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: user-service
{{- end }}

{{/*
Labels that select the pods; they never change over the life of a release.
*/}}
{{- define "user-mq.selectorLabels" -}}
app.kubernetes.io/name: {{ include "user-mq.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the ServiceAccount the pods run as.
*/}}
{{- define "user-mq.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "user-mq.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference; the tag defaults to the chart's appVersion.
*/}}
{{- define "user-mq.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
Name of the ConfigMap that carries the YAML routes.
*/}}
{{- define "user-mq.routesConfigMapName" -}}
{{- printf "%s-routes" (include "user-mq.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The route files as ConfigMap data, one key per file. They come from files/routes/, which the
Maven build fills from the repository's routes/ (the one source of the routes). Used by the
ConfigMap and by the checksum annotation of the pod template, so that a changed route rolls the
pods.
*/}}
{{- define "user-mq.routesData" -}}
{{- $routes := .Files.Glob "files/routes/*.camel.yaml" }}
{{- if not $routes }}
{{- fail "routes.fromConfigMap is true but the chart has no files/routes/*.camel.yaml: install the chart that the Maven build assembles in target/helm/user-mq (it copies routes/ into it), or set routes.fromConfigMap=false to use the routes inside the image" }}
{{- end }}
{{- $routes.AsConfig }}
{{- end }}

{{/*
Seconds Kubernetes waits between SIGTERM and SIGKILL: Camel's shutdown timeout plus the time the
rest of the shutdown needs, so that in-flight records finish and commit their offsets.
*/}}
{{- define "user-mq.terminationGracePeriodSeconds" -}}
{{- add .Values.shutdown.camelTimeoutSeconds .Values.shutdown.extraSeconds }}
{{- end }}

{{/*
Whether the Kafka connection uses SASL, and whether it uses TLS.
*/}}
{{- define "user-mq.kafkaSasl" -}}
{{- if hasPrefix "SASL_" .Values.kafka.securityProtocol }}true{{ end }}
{{- end }}
{{- define "user-mq.kafkaTls" -}}
{{- if has .Values.kafka.securityProtocol (list "SSL" "SASL_SSL") }}true{{ end }}
{{- end }}

{{/*
JVM options: javaOpts, plus the authz truststore when one is given.
*/}}
{{- define "user-mq.javaToolOptions" -}}
{{- $opts := list }}
{{- with .Values.javaOpts }}
{{- $opts = append $opts . }}
{{- end }}
{{- if and .Values.authz.tls.enabled .Values.authz.tls.existingSecret }}
{{- $opts = append $opts (printf "-Djavax.net.ssl.trustStore=/etc/user-mq/authz-tls/%s -Djavax.net.ssl.trustStoreType=JKS" .Values.authz.tls.truststoreKey) }}
{{- end }}
{{- join " " $opts }}
{{- end }}

{{/*
Checks across values that the schema cannot express; each failure says what to change.
*/}}
{{- define "user-mq.validate" -}}
{{- if and .Values.autoscaling.enabled .Values.keda.enabled }}
{{- fail "autoscaling.enabled and keda.enabled are both true: KEDA creates its own HorizontalPodAutoscaler; enable one of them" }}
{{- end }}
{{- if and (include "user-mq.kafkaSasl" .) (not .Values.kafka.sasl.existingSecret) }}
{{- fail (printf "kafka.securityProtocol is %s but kafka.sasl.existingSecret is empty: name the Secret that holds the JAAS configuration" .Values.kafka.securityProtocol) }}
{{- end }}
{{- if and .Values.kafka.tls.existingSecret (not (include "user-mq.kafkaTls" .)) }}
{{- fail (printf "kafka.tls.existingSecret is set but kafka.securityProtocol is %s: use SSL or SASL_SSL, or remove the truststore" .Values.kafka.securityProtocol) }}
{{- end }}
{{- if and .Values.keda.enabled (not .Values.consumer.enabled) }}
{{- fail "keda.enabled is true but consumer.enabled is false: a release that does not consume has no lag to scale on; scale it on CPU (autoscaling.enabled) instead" }}
{{- end }}
{{- if and .Values.authz.tls.existingSecret (not .Values.authz.tls.enabled) }}
{{- fail "authz.tls.existingSecret is set but authz.tls.enabled is false: enable TLS or remove the truststore" }}
{{- end }}
{{- end }}
