# Chapter 1: introduction.
CH01 := 01-introduction

CH01_PROGRAMS := daytimetcpcli0 daytimetcpsrv0 daytimetcpcli daytimetcpsrv \
                 daytimetcpcliv6 daytimetcpsrvv6 daytimetcpcli1read
$(foreach p,$(CH01_PROGRAMS),$(eval $(call example,$(CH01),$(p))))
