{{- define "mallard.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mallard.coordinator" -}}
{{- printf "%s-coordinator" (include "mallard.fullname" .) -}}
{{- end -}}

{{/* The coordinator's address inside the cluster: what its certificate names and what workers dial. */}}
{{- define "mallard.coordinatorHost" -}}
{{- printf "%s.%s.svc.cluster.local" (include "mallard.coordinator" .) .Release.Namespace -}}
{{- end -}}

{{- define "mallard.workerSecret" -}}
{{- default (printf "%s-worker" (include "mallard.fullname" .)) .Values.workers.secretName -}}
{{- end -}}

{{- define "mallard.labels" -}}
app.kubernetes.io/name: mallard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "mallard.image" -}}
{{- printf "%s:%s" .Values.image.repository .Values.image.tag -}}
{{- end -}}
