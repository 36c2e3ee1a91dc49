import yaml,sys
V=yaml.safe_load(open('/work/shared/reference/conductorone/openapi.full.yaml'))
fams=sys.argv[1:]
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
