# Sourced by the test PKI generators (make-certs.sh, make-certdepth.sh).

# pki_start OUTDIR NAME: make OUTDIR and work in it; $work is a scratch folder (NAME.XXXXXX)
# removed on exit.
pki_start() {
  mkdir -p "$1"
  cd "$1"
  work=$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")
  trap 'rm -rf "$work"' EXIT
}

# ca_config DIR CERT KEY [LINE...]: an `openssl ca` config on stdout whose CA is CERT/KEY, with
# its database, serial and new certificates in DIR (which it creates the files for), the given
# extra lines in the CA's section, any subject accepted, and a `leaf` section for a TLS server
# certificate. Callers append their own sections.
ca_config() {
  local dir=$1 cert=$2 key=$3
  shift 3
  touch "$dir/index.txt"
  [ -f "$dir/serial" ] || echo 1000 > "$dir/serial"
  cat <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = $dir
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
certificate = $cert
private_key = $key
default_md = sha256
policy = any
unique_subject = no
$(printf '%s\n' "$@")
[ any ]
commonName = supplied
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
CNF
}
