# escape=`
# CI toolbox: statically linked jq and yq on an empty base image.
# Written with the backtick escape, like the Windows images kept in the same repo.

from alpine:3.20 as Tools
ARG JQ_VERSION=1.7.1
ARG YQ_VERSION=v4.44.3
ARG TARGETARCH

Run apk add --no-cache `
        ca-certificates `
        curl

WorkDir /out
Run curl -fsSLo jq "https://github.com/jqlang/jq/releases/download/jq-${JQ_VERSION}/jq-linux-${TARGETARCH}" `
 && curl -fsSLo yq "https://github.com/mikefarah/yq/releases/download/${YQ_VERSION}/yq_linux_${TARGETARCH}" `
 && chmod 0755 jq yq `
 && ./jq --version `
 && ./yq --version

FROM scratch
COPY --from=Tools /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=Tools /out/jq /out/yq /usr/local/bin/
USER 65534:65534
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/yq"]
CMD ["--help"]
