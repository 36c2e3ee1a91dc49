package openapi

// ParseEmbedded is what Load does with an embedded spec: Parse without validating it.
func ParseEmbedded(file string, data []byte) (*Spec, error) { return parse(file, data, false) }
