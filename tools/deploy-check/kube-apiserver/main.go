// A real Kubernetes API server for the chart's install test (tools/deploy-check/install-test.sh):
// kube-apiserver and kubectl of one Kubernetes release (k8s.io/kubernetes, pinned in go.mod) and an
// embedded etcd, in one binary built from the Go module proxy. No kubelet, scheduler or
// controller-manager: objects are admitted and stored, nothing runs.
//
//	kube-apiserver serve <state dir> <port>   # etcd on <port>+1 (+2 for its peer URL), all on 127.0.0.1
//	kube-apiserver kubectl <kubectl args...>  # kubectl of the same release
//
// serve writes <state dir>/kubeconfig (cluster admin by client certificate) and the server's
// certificates, service-account keys and admission configuration: Pod Security admission enforces
// "restricted" in every namespace (kube-system excepted), whatever the namespace's labels say.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	kubectl "k8s.io/kubectl/pkg/cmd"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "kubectl" {
		os.Args = os.Args[1:]
		os.Exit(cli.Run(kubectl.NewDefaultKubectlCommand()))
	}
	if len(os.Args) != 4 || os.Args[1] != "serve" {
		fmt.Fprintln(os.Stderr, "usage: kube-apiserver serve <state dir> <port> | kube-apiserver kubectl <args...>")
		os.Exit(2)
	}
	dir, err := filepath.Abs(os.Args[2])
	check(err, "state dir")
	port, err := strconv.Atoi(os.Args[3])
	check(err, "port")
	check(os.MkdirAll(dir, 0o700), "state dir")
	args := prepare(dir, port)

	etcd := startEtcd(filepath.Join(dir, "etcd"), port+1)
	defer etcd.Close()
	os.Args = append([]string{"kube-apiserver"}, args...)
	code := cli.Run(apiserver.NewAPIServerCommand())
	etcd.Close()
	os.Exit(code)
}

func check(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-apiserver: %s: %v\n", what, err)
		os.Exit(1)
	}
}

func startEtcd(dir string, port int) *embed.Etcd {
	cfg := embed.NewConfig()
	cfg.Name = "test"
	cfg.Dir = dir
	cfg.LogLevel = "error"
	cfg.UnsafeNoFsync = true // a throwaway store for a test
	client, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", port))
	peer, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", port+1))
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*client}, []url.URL{*client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*peer}, []url.URL{*peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	check(err, "etcd")
	select {
	case <-e.Server.ReadyNotify():
		return e
	case err := <-e.Err():
		check(err, "etcd")
	case <-time.After(60 * time.Second):
		check(fmt.Errorf("not ready after 60 s"), "etcd")
	}
	return e
}

// prepare writes the certificates, keys, admission configuration and kubeconfig, and returns
// kube-apiserver's arguments.
func prepare(dir string, port int) []string {
	p := func(name string) string { return filepath.Join(dir, name) }
	caKey, caCert := newCA()
	writePEM(p("ca.crt"), "CERTIFICATE", caCert.Raw)
	serverKey := newKey()
	writePEM(p("server.crt"), "CERTIFICATE", sign(caCert, caKey, serverKey, x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}))
	writeKey(p("server.key"), serverKey)
	adminKey := newKey()
	adminCert := sign(caCert, caKey, adminKey, x509.Certificate{
		Subject:     pkix.Name{CommonName: "admin", Organization: []string{"system:masters"}},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	writeKey(p("service-account.key"), newKey())

	check(os.WriteFile(p("admission.yaml"), []byte(`apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults: { enforce: restricted, enforce-version: latest, warn: restricted, warn-version: latest, audit: restricted, audit-version: latest }
      exemptions: { usernames: [], runtimeClasses: [], namespaces: [kube-system] }
`), 0o600), "admission configuration")

	pemOf := func(kind string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}))
	}
	adminKeyDER, err := x509.MarshalECPrivateKey(adminKey)
	check(err, "admin key")
	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{ name: test, cluster: { server: "https://127.0.0.1:%d", certificate-authority-data: %q } }]
users: [{ name: admin, user: { client-certificate-data: %q, client-key-data: %q } }]
contexts: [{ name: test, context: { cluster: test, user: admin } }]
current-context: test
`, port, b64(pemOf("CERTIFICATE", caCert.Raw)), b64(pemOf("CERTIFICATE", adminCert)), b64(pemOf("EC PRIVATE KEY", adminKeyDER)))
	check(os.WriteFile(p("kubeconfig"), []byte(kubeconfig), 0o600), "kubeconfig")

	return []string{
		"--etcd-servers=" + fmt.Sprintf("http://127.0.0.1:%d", port+1),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + p("certs"),
		"--tls-cert-file=" + p("server.crt"),
		"--tls-private-key-file=" + p("server.key"),
		"--client-ca-file=" + p("ca.crt"),
		"--service-account-key-file=" + p("service-account.key"),
		"--service-account-signing-key-file=" + p("service-account.key"),
		"--service-account-issuer=https://kubernetes.default.svc",
		"--authorization-mode=RBAC",
		"--admission-control-config-file=" + p("admission.yaml"),
		"--endpoint-reconciler-type=none",
		"--allow-privileged=true", // as real clusters: a privileged pod is then refused by Pod Security admission, not by this flag
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--v=0",
	}
}

func newKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err, "key")
	return k
}

func newCA() (*ecdsa.PrivateKey, *x509.Certificate) {
	key := newKey()
	tmpl := x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "therapy-room install test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &key.PublicKey, key)
	check(err, "CA")
	cert, err := x509.ParseCertificate(der)
	check(err, "CA")
	return key, cert
}

var serial int64 = 1

func sign(ca *x509.Certificate, caKey, key *ecdsa.PrivateKey, tmpl x509.Certificate) []byte {
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(7*24*time.Hour)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca, &key.PublicKey, caKey)
	check(err, "certificate")
	return der
}

func writePEM(path, kind string, der []byte) {
	check(os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600), path)
}

func writeKey(path string, key *ecdsa.PrivateKey) {
	der, err := x509.MarshalECPrivateKey(key)
	check(err, path)
	writePEM(path, "EC PRIVATE KEY", der)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
