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
