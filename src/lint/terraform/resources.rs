//! Filter and alarm resources: their instances, patterns, metrics and
//! settings.

use super::*;

impl<'b> Env<'b> {
    /// The filters of a filter resource: one per instance (`count`,
    /// `for_each`) and per alternative of its pattern.
    pub(super) fn filter_resource(
        &self,
        view: &View<'b>,
        kind: &str,
        attr_name: &str,
        fk: FilterKind,
        unit: &mut Unit,
    ) {
        let (src, block) = (view.src, view.block);
        let name = label(block, 1).unwrap_or("");
        let extent = self.file_span(src, block.span()).range;
        let label_span = self.file_span(src, block.labels.get(1).and_then(|l| l.span()));
        let Some(file) = self.file(src) else { return };
        let site = FilterSite {
            view,
            kind: fk,
            attr: attr_name,
            file: file.id,
            name,
            extent,
            label_span,
        };
        let address = format!("{kind}.{name}");
        let instances: Vec<(String, Rc<Scope<'b>>)> = match view.attr("for_each") {
            None => match view.attr("count") {
                Some((c, csrc)) => self.count_instances(&c.value, csrc, &address),
                None => vec![(
                    address,
                    Rc::new(Scope {
                        src,
                        bindings: vec![],
                    }),
                )],
            },
            Some((fe, fsrc)) => {
                let scope = Rc::new(Scope {
                    src: fsrc,
                    bindings: vec![],
                });
                match self.for_each_instances(&fe.value, &scope, &address) {
                    Ok(instances) => instances,
                    Err(why) => {
                        let anchor = view
                            .attr(attr_name)
                            .map_or(site.label_span.clone(), |(a, asrc)| {
                                self.file_span(asrc, a.value.span())
                            });
                        let pattern = PatternValue::Unknown(format!("`for_each`: {why}"));
                        let names = vec![name.to_owned()];
                        self.push_filter(unit, site.filter(address, names, anchor, pattern));
                        return;
                    }
                }
            }
        };
        for (address, scope) in instances {
            self.filter_instance(&site, address, &scope, unit);
        }
    }

    /// The filters of one instance of a filter resource: one per
    /// alternative of its pattern.
    fn filter_instance(
        &self,
        site: &FilterSite<'_, 'b>,
        address: String,
        scope: &Rc<Scope<'b>>,
        unit: &mut Unit,
    ) {
        let view = site.view;
        let mut names = vec![site.name.to_owned()];
        if let Some(Val::Obj(each)) = scope.bindings.first().map(|(_, v)| v)
            && let Some((_, Thunk::Done(Val::Str(k)))) = each.first()
        {
            names.push(k.as_str().to_owned());
        }
        if let Some((n, nsrc)) = view.attr("name")
            && let Some(s) = self.single_str(&n.value, &at(scope, nsrc))
        {
            names.push(s);
        }
        let metric = if site.kind == FilterKind::MetricFilter {
            view.blocks("metric_transformation")
                .first()
                .and_then(|(mt, msrc)| self.metric(&mt.body, "name", &at(scope, *msrc)))
        } else {
            None
        };
        if let Some(Metric {
            name: MetricKey::Literal(s),
            ..
        }) = &metric
        {
            names.push(s.clone());
        }
        let log_group = view
            .attr("log_group_name")
            .map(|(a, asrc)| self.setting(&a.value, &at(scope, asrc)));
        let filter_name = view
            .attr("name")
            .map(|(a, asrc)| self.setting(&a.value, &at(scope, asrc)));
        let base = Filter {
            metric,
            log_group,
            filter_name,
            ..site.filter(
                address,
                names,
                site.label_span.clone(),
                PatternValue::Unknown(String::new()),
            )
        };
        let Some((attr, asrc)) = view.attr(site.attr) else {
            let why = format!("the resource has no `{}`", site.attr);
            self.push_filter(
                unit,
                Filter {
                    pattern: PatternValue::Unknown(why),
                    ..base
                },
            );
            return;
        };
        let expr_span = self.file_span(asrc, attr.value.span());
        let alts = self.top(&attr.value, &at(scope, asrc));
        let many = alts.len() > 1;
        for alt in alts {
            let variant = (many || !alt.when.is_empty()).then(|| alt.when.join(", "));
            let (pattern, anchor) = pattern_of(alt.val, site.file, &expr_span);
            self.push_filter(
                unit,
                Filter {
                    anchor,
                    pattern,
                    variant,
                    ..base.clone()
                },
            );
        }
    }

    pub(super) fn alarm_resource(&self, view: &View<'b>) -> Option<Alarm> {
        let mut metrics = Vec::new();
        let mut refers_to = Vec::new();
        let mut found = |a: &'b Attribute, m: Option<Metric>, src: usize| {
            metrics.extend(m);
            let raw = self.raw(src, &a.value);
            for (t, _, _) in FILTER_TYPES {
                let needle = format!("{t}.");
                let mut rest = raw.as_str();
                while let Some(p) = rest.find(&needle) {
                    let after = rest.get(p + needle.len()..).unwrap_or("");
                    let ident: String = after
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                        .collect();
                    refers_to.push(format!("{t}.{ident}"));
                    rest = after;
                }
            }
        };
        // The top level, merged with any override.
        if let Some((a, src)) = view.attr("metric_name") {
            let scope = Rc::new(Scope {
                src,
                bindings: vec![],
            });
            let metric = Metric {
                name: self.metric_key(&a.value, &scope),
                namespace: view
                    .attr("namespace")
                    .map(|(n, nsrc)| self.metric_key(&n.value, &at(&scope, nsrc))),
            };
            found(a, Some(metric), src);
        }
        // Nested blocks (`metric_query { metric { … } }`), as merged.
        let mut stack: Vec<(&'b Body, usize)> = view
            .block_types()
            .into_iter()
            .flat_map(|ty| view.blocks(ty))
            .map(|(b, src)| (&b.body, src))
            .collect();
        while let Some((body, src)) = stack.pop() {
            if let Some(a) = body.get_attribute("metric_name") {
                let scope = Rc::new(Scope {
                    src,
                    bindings: vec![],
                });
                found(a, self.metric(body, "metric_name", &scope), src);
            }
            stack.extend(body.blocks().map(|b| (&b.body, src)));
        }
        let instances = self.alarm_instances(view);
        Some(Alarm {
            metrics,
            refers_to,
            instances,
        })
    }

    /// The settings of each instance of an alarm resource (one per `count`
    /// index or `for_each` key), for drift.
    fn alarm_instances(&self, view: &View<'b>) -> Vec<AlarmDetail> {
        let (src, block) = (view.src, view.block);
        let name = label(block, 1).unwrap_or("");
        let address = format!("{ALARM_TYPE}.{name}");
        let anchor = self.file_span(src, block.labels.get(1).and_then(|l| l.span()));
        let Some(file) = self.file(src) else {
            return Vec::new();
        };
        let plain = || {
            vec![(
                address.clone(),
                Rc::new(Scope {
                    src,
                    bindings: vec![],
                }),
            )]
        };
        let instances = match view.attr("for_each") {
            Some((fe, fsrc)) => {
                let scope = Rc::new(Scope {
                    src: fsrc,
                    bindings: vec![],
                });
                self.for_each_instances(&fe.value, &scope, &address)
                    .unwrap_or_else(|_| plain())
            }
            None => match view.attr("count") {
                Some((c, csrc)) => self.count_instances(&c.value, csrc, &address),
                None => plain(),
            },
        };
        instances
            .into_iter()
            .map(|(resource, scope)| {
                let get = |attr: &str| {
                    view.attr(attr)
                        .map(|(a, asrc)| self.setting(&a.value, &at(&scope, asrc)))
                };
                let metric = view.attr("metric_name").map(|(a, asrc)| Metric {
                    name: self.metric_key(&a.value, &at(&scope, asrc)),
                    namespace: view
                        .attr("namespace")
                        .map(|(n, nsrc)| self.metric_key(&n.value, &at(&scope, nsrc))),
                });
                let actions = view
                    .attr("alarm_actions")
                    .map(|(a, asrc)| self.string_list(&a.value, &at(&scope, asrc)));
                AlarmDetail::terraform(file.id, resource, anchor.clone(), metric, actions, get)
            })
            .collect()
    }

    /// A setting: its value when it is one string or number known
    /// statically, else the expression as written.
    fn setting(&self, expr: &'b Expression, scope: &Rc<Scope<'b>>) -> Setting {
        match self.top(expr, scope).as_slice() {
            [
                Alt {
                    val: Ok(Val::Str(t) | Val::Num(t)),
                    ..
                },
            ] => Setting::Known(t.as_str().to_owned()),
            _ => Setting::Unknown(self.shown(scope.src, expr)),
        }
    }

    /// A list of strings known statically (`alarm_actions`), else the
    /// expression as written.
    fn string_list(&self, expr: &'b Expression, scope: &Rc<Scope<'b>>) -> Setting<Vec<String>> {
        let unknown = || Setting::Unknown(self.shown(scope.src, expr));
        let alts = self.top(expr, scope);
        let [
            Alt {
                val: Ok(Val::List(items)),
                ..
            },
        ] = alts.as_slice()
        else {
            return unknown();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match self.force(item, 0).as_slice() {
                [
                    Alt {
                        val: Ok(Val::Str(t)),
                        ..
                    },
                ] => out.push(t.as_str().to_owned()),
                _ => return unknown(),
            }
        }
        Setting::Known(out)
    }

    /// The metric named by attribute `name_attr` of `body`, with the
    /// `namespace` beside it.
    fn metric(&self, body: &'b Body, name_attr: &str, scope: &Rc<Scope<'b>>) -> Option<Metric> {
        let name = body.get_attribute(name_attr)?;
        Some(Metric {
            name: self.metric_key(&name.value, scope),
            namespace: body
                .get_attribute("namespace")
                .map(|a| self.metric_key(&a.value, scope)),
        })
    }

    fn metric_key(&self, expr: &'b Expression, scope: &Rc<Scope<'b>>) -> MetricKey {
        match self.single_str(expr, scope) {
            Some(s) => MetricKey::Literal(s),
            None => MetricKey::Symbol(
                self.raw(scope.src, expr)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect(),
            ),
        }
    }

    /// The value as one string, if it has exactly one alternative and it is known.
    pub(super) fn single_str(&self, expr: &'b Expression, scope: &Rc<Scope<'b>>) -> Option<String> {
        let alts = self.top(expr, scope);
        match alts.as_slice() {
            [
                Alt {
                    val: Ok(Val::Str(t)),
                    ..
                },
            ] => Some(t.as_str().to_owned()),
            _ => None,
        }
    }

    /// Add a filter, if the run's allowance has room for it.
    fn push_filter(&self, unit: &mut Unit, f: Filter) {
        if self.budget.take_filter() {
            unit.filters.push(f);
        } else {
            self.cut_short.set(true);
        }
    }
}

/// A filter resource: what every filter of its instances shares.
struct FilterSite<'v, 'b> {
    view: &'v View<'b>,
    kind: FilterKind,
    /// The pattern's attribute.
    attr: &'v str,
    file: FileId,
    /// The resource's name label.
    name: &'v str,
    extent: Range<usize>,
    label_span: FileSpan,
}

impl FilterSite<'_, '_> {
    /// A filter of this resource, known by `names`.
    fn filter(
        &self,
        resource: String,
        names: Vec<String>,
        anchor: FileSpan,
        pattern: PatternValue,
    ) -> Filter {
        Filter {
            kind: self.kind,
            format: Format::Terraform,
            file: self.file,
            resource,
            extent: self.extent.clone(),
            anchor,
            pattern,
            variant: None,
            names,
            metric: None,
            disabled: Vec::new(),
            log_group: None,
            filter_name: None,
        }
    }
}

/// A pattern from one alternative of its value (trimmed, like the AWS
/// provider) and where to point at it.
fn pattern_of(
    val: Result<Val<'_>, String>,
    file: FileId,
    expr_span: &FileSpan,
) -> (PatternValue, FileSpan) {
    match val {
        Ok(Val::Str(t)) => {
            let t = t.trimmed();
            let anchor = t
                .source_span(0..t.as_str().len())
                .filter(|s| s.file == file || !t.is_empty())
                .unwrap_or_else(|| expr_span.clone());
            (PatternValue::Known(t), anchor)
        }
        Ok(other) => (
            PatternValue::Unknown(format!("the value is {}, not a string", kind_of(&other))),
            expr_span.clone(),
        ),
        Err(why) => (PatternValue::Unknown(why), expr_span.clone()),
    }
}
