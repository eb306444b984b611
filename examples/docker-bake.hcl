# Release builds for the storefront: `docker buildx bake` builds the default group for two platforms,
# with provenance and an SBOM. CI sets TAG (and may set GO_VERSION to try the next Go release).
variable "TAG" {
  default = "dev"
}

variable "REGISTRY" {
  default = "ghcr.io/acme"
}

variable "GO_VERSION" {
  default = "1.23"
}

function "image" {
  params = [name]
  result = "${REGISTRY}/storefront-${name}:${TAG}"
}

group "default" {
  targets = ["web", "api", "worker"]
}

target "_release" {
  platforms = ["linux/amd64", "linux/arm64"]
  attest    = ["type=provenance,mode=max", "type=sbom"]
}

target "web" {
  inherits = ["_release"]
  context  = "web"
  tags     = [image("web")]
}

target "api" {
  inherits = ["_release"]
  context  = "api"
  args = {
    GO_VERSION = GO_VERSION
  }
  contexts = {
    # Every `FROM golang:1.23-alpine` of the api build resolves through this one line.
    "golang:1.23-alpine" = "docker-image://golang:1.23-alpine"
  }
  tags = [image("api")]
}

target "worker" {
  inherits   = ["_release"]
  context    = "worker"
  dockerfile = "Dockerfile.dev"
  target     = "dev"
  matrix = {
    python = ["3.12", "3.13"]
  }
  name = "worker-py${replace(python, ".", "")}"
  args = {
    BASE_IMAGE = "python:${python}-slim"
  }
  tags = [image("worker-py${replace(python, ".", "")}")]
}
