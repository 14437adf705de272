{{/* Chart name, truncated to 63 characters (a DNS label). */}}
{{- define "sortie.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: the release name when it already contains the chart name. */}}
{{- define "sortie.fullname" -}}
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

{{- define "sortie.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "sortie.labels" -}}
helm.sh/chart: {{ include "sortie.chart" . }}
app.kubernetes.io/name: {{ include "sortie.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sortie
{{- end }}

{{/* Selector labels of the daemon's pods (session pods carry component=session instead). */}}
{{- define "sortie.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sortie.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{/* Labels of the session pods, as PodTemplateBuilder sets them. */}}
{{- define "sortie.sessionSelectorLabels" -}}
app.kubernetes.io/managed-by: sortie
app.kubernetes.io/component: session
{{- end }}

{{- define "sortie.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sortie.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The namespace of session pods: session.namespace, or the release's. */}}
{{- define "sortie.sessionNamespace" -}}
{{- default .Release.Namespace .Values.session.namespace }}
{{- end }}

{{- define "sortie.image" -}}
{{- printf "%s:%s" .Values.image.repository (toString (.Values.image.tag | default .Chart.AppVersion)) }}
{{- end }}

{{/* The Secret holding the static-token CSV (auth.mode=token). */}}
{{- define "sortie.tokenSecretName" -}}
{{- default (printf "%s-tokens" (include "sortie.fullname" .)) .Values.auth.token.existingSecret }}
{{- end }}

{{/* The cluster DNS peer, for NetworkPolicy egress. */}}
{{- define "sortie.dnsPeer" -}}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ .Values.networkPolicy.dns.namespace }}
  podSelector:
    matchLabels:
      {{- toYaml .Values.networkPolicy.dns.podLabels | nindent 6 }}
{{- end }}

{{/* The Secret whose key signs WebSocket tickets (shared by every replica). */}}
{{- define "sortie.wsSecretName" -}}
{{- default (printf "%s-ws" (include "sortie.fullname" .)) .Values.websocketSecret.existingSecret }}
{{- end }}
