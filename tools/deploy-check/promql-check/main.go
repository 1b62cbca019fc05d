// promql-check: parses the alert rules of a rendered PrometheusRule the way Prometheus will load
// them (rulefmt: structure, durations, label and annotation templates; promql: every expression),
// so a broken rule fails CI instead of the region's Prometheus.
//
//	go run ./tools/deploy-check/promql-check < rendered-prometheusrule.yaml
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

type prometheusRule struct {
	Kind string `yaml:"kind"`
	Spec struct {
		Groups []yaml.Node `yaml:"groups"`
	} `yaml:"spec"`
}

func main() {
	decoder := yaml.NewDecoder(os.Stdin)
	rules := 0
	for {
		var doc prometheusRule
		err := decoder.Decode(&doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			fail("not YAML: %v", err)
		}
		if doc.Kind != "PrometheusRule" {
			continue
		}
		groups, err := yaml.Marshal(map[string]any{"groups": doc.Spec.Groups})
		if err != nil {
			fail("%v", err)
		}
		parsed, errs := rulefmt.Parse(groups, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.New(slog.DiscardHandler))
		for _, e := range errs {
			fmt.Fprintf(os.Stderr, "promql-check: %v\n", e)
		}
		if len(errs) > 0 {
			os.Exit(1)
		}
		for _, g := range parsed.Groups {
			rules += len(g.Rules)
		}
	}
	if rules == 0 {
		fail("no PrometheusRule with rules in the input")
	}
	fmt.Printf("deploy-check: %d alert rules parse as Prometheus loads them\n", rules)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "promql-check: "+format+"\n", args...)
	os.Exit(1)
}
