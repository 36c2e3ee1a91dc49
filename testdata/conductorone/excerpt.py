"""Writes the vendor excerpt: the operations of the given services (operationId prefixes) of
ConductorOne's contract, and every schema they reach, keys sorted as the file has them.

    python3 excerpt.py ../shared/reference/conductorone/openapi.full.yaml \
        c1.api.app.v1.ConnectorService. c1.api.app.v1.Apps. c1.api.app.v1.AppSearch. \
        c1.api.integration.connector.v1.ConnectorCatalogService. > vendor-connectors.excerpt.yaml
"""
import yaml,sys
V=yaml.safe_load(open(sys.argv[1]))
fams=sys.argv[2:]
out={k:V[k] for k in ['openapi','info','servers','security']}
paths={}
need=set()
def refs(x):
    if isinstance(x,dict):
        for k,v in x.items():
            if k=='$ref':
                n=v.split('/')[-1]
                if n not in need:
                    need.add(n); refs(V['components']['schemas'][n])
            else: refs(v)
    elif isinstance(x,list):
        for v in x: refs(v)
for p,item in V['paths'].items():
    for m,op in item.items():
        if isinstance(op,dict) and any(op.get('operationId','').startswith(f) for f in fams):
            paths.setdefault(p,{})[m]=op; refs(op)
out['paths']=paths
out['components']={'schemas':{n:V['components']['schemas'][n] for n in sorted(need)},'securitySchemes':V['components']['securitySchemes']}
for k,v in out.items(): sys.stdout.write(yaml.safe_dump({k:v},sort_keys=True,allow_unicode=True,width=100000))
