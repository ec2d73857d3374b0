# The guide's make aliases: each one line over ./build.sh (the typed targets do the work).
# Usage: make backend-manager-start config=prod-config.yaml
config ?= dev-config.yaml
output ?=
timeout ?=
server ?=
instances ?=
dry_run ?=
check ?=

.PHONY: backend-manager-start backend-manager-stop backend-manager-status backend-manager-restart \
        backend-manager-scale backend-manager-apply backend-manager-gen-nginx-conf logs-tail logs-tail-nginx logs-clean test \
        generate-specs generate-clients

backend-manager-start:
	./build.sh Start --config $(config)

backend-manager-stop:
	./build.sh Stop --config $(config) $(if $(timeout),--timeout $(timeout))

backend-manager-status:
	./build.sh Status --config $(config)

backend-manager-restart:
	./build.sh Restart --config $(config) $(if $(timeout),--timeout $(timeout))

backend-manager-scale:
	./build.sh Scale --config $(config) --server $(server) --instances $(instances) $(if $(dry_run),--dry-run)

backend-manager-apply:
	./build.sh Apply --config $(config) $(if $(dry_run),--dry-run)

backend-manager-gen-nginx-conf:
	./build.sh GenerateNginx --config $(config) --validate $(if $(output),--output $(output))

generate-specs:
	./build.sh GenerateSpecs --config $(config) $(if $(check),--check)

generate-clients:
	./build.sh GenerateClients --config $(config)

logs-tail:
	./build.sh LogsTail --config $(config)

logs-tail-nginx:
	./build.sh LogsTailNginx --config $(config)

logs-clean:
	./build.sh LogsClean --config $(config)

test:
	./build.sh Test
