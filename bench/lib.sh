# Shared by the bench scripts (sourced from the repository root).

# Builds the service the way a benchmark runs it and prints the path of its dll.
#   service_dll publish DIR: the ReadyToRun publish the Dockerfile deploys, into DIR/app
#   service_dll anything-else: the Release build
service_dll() {
  if [ "$1" = publish ]; then
    dotnet publish src/Mediation -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$2/app" -v q -nologo >/dev/null
    echo "$2/app/Mediation.dll"
  else
    dotnet build src/Mediation -c Release -v q -nologo >/dev/null
    echo "$PWD/src/Mediation/bin/Release/net10.0/Mediation.dll"
  fi
}

# Builds the bare endpoint (bench/Mediation.Ceiling) the same way as service_dll builds the service
# and prints the path of its dll: the anchor a figure of the service is set beside.
ceiling_dll() {
  if [ "$1" = publish ]; then
    dotnet publish bench/Mediation.Ceiling -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$2/ceiling" -v q -nologo >/dev/null
    echo "$2/ceiling/Mediation.Ceiling.dll"
  else
    dotnet build bench/Mediation.Ceiling -c Release -v q -nologo >/dev/null
    echo "$PWD/bench/Mediation.Ceiling/bin/Release/net10.0/Mediation.Ceiling.dll"
  fi
}

# The keys every benchmark runs the service with (outside Development it does not start without them):
# made once per machine and kept, since the data folders seeded with them carry event chains made with them.
bench_keys=/var/tmp/mediation-bench-keys.json
if [ ! -f "$bench_keys" ]; then
  umask 077
  key() { head -c 32 /dev/urandom | base64; }
  printf '{"Mediation":{"Keys":{"Token":{"Current":"bench","Keys":{"bench":"%s"}},"Chain":{"Current":"bench","Keys":{"bench":"%s"}},"DataProtection":{"Current":"bench","Keys":{"bench":"%s"}}}}}\n' \
    "$(key)" "$(key)" "$(key)" > "$bench_keys"
  umask 022
fi
export Mediation__KeyFile="$bench_keys"
