/*
 * The editor helpers shared by every node of node-red-contrib-signalwire.
 *
 * Node-RED serves a module's top-level resources/ folder at resources/<module-name>/, and each
 * node's HTML loads this file with
 *     <script src="resources/node-red-contrib-signalwire/signalwire-editor.js"></script>
 * which the editor runs before that HTML's own scripts. Every node set loads it, so it may run
 * more than once: it only (re)defines window.SignalWireEditor and adds its style sheet once.
 */
(function(window) {
    "use strict";
    var RED = window.RED;
    var $ = window.jQuery;
    var STYLE_ID = "signalwire-editor-style";

    // Labels wide enough for one line in every language shipped ("Wiederholungen",
    // "Conference SID" with their icons): the default column of 100px wraps them. The Test
    // connection result goes under its button, in the column of the fields.
    var CSS = [
        ".signalwire-form .form-row > label { width: 130px; }",
        ".signalwire-form .signalwire-test-result { margin: 6px 0 0 134px; }",
        ".signalwire-form .signalwire-test-result:empty { display: none; }"
    ].join("\n");

    function addStyle() {
        if (!document.getElementById(STYLE_ID)) {
            $("<style/>").attr("id", STYLE_ID).text(CSS).appendTo("head");
        }
    }

    // ------------------------------------------------------------- translation

    /**
     * The message lookup of one node type: its definition's `_` helper adds the node set's
     * namespace, so this keeps working whatever the module is installed as.
     */
    function translator(type) {
        return function t(key, opts) {
            var def = RED.nodes.getType(type);
            if (def && typeof def._ === "function") {
                return def._(key, opts);
            }
            return RED._(key, opts);
        };
    }

    /** "a", "a and b", "a, b and c", with the word for "and" of the editor's language. */
    function joinList(items, and) {
        if (items.length <= 1) {
            return items.join("");
        }
        return items.slice(0, -1).join(", ") + " " + and + " " + items[items.length - 1];
    }

    // ------------------------------------------------------------- checks

    function isBlank(v) {
        return v === undefined || v === null || String(v).trim() === "";
    }

    // The validation rules are the runtime's own (nodes/lib/shared/rules.ts, served beside this file
    // as signalwire-rules.js), and so are their messages: the runtime catalogue's
    // signalwire-space.errors.* and .fields.*, so a dialog and a deployed node cannot disagree.
    // Looked up when used, not when this script runs: the editor may run it before the rules
    // script of the same node set has loaded.
    function rules() {
        return window.SignalWireRules;
    }
    var SPACE = "signalwire-space";

    /** A text of the runtime catalogue (in the space node's namespace). */
    function shared(key, vars) {
        return translator(SPACE)("signalwire-space." + key, vars);
    }

    /** A value as the runtime's messages quote it: numbers bare, the rest in quotes, cut. */
    function describe(v) {
        if (typeof v === "number") {
            return String(v);
        }
        return JSON.stringify(cut(String(v)));
    }

    /** Text quoted in a message, cut as the runtime cuts it (only where the cut makes it shorter). */
    function cut(s) {
        return rules().cutText(s, rules().MAX_QUOTED_CHARS, function(count) {
            return shared("values.cut", { count: count });
        });
    }

    /** The message of a broken rule, the same sentence the runtime would give. */
    function problemText(problem, value) {
        var vars = {};
        Object.keys(problem.vars).forEach(function(k) {
            var v = problem.vars[k];
            vars[k] = typeof v === "string" ? cut(v) : v;
        });
        if (typeof problem.vars.field === "string") {
            vars.field = shared("fields." + problem.vars.field);
        }
        vars.value = describe(value);
        return shared("errors." + problem.key, vars);
    }

    /** A number field by its rule: true, or the message. */
    function checkNumber(field, v) {
        var r = rules().checkNumber(field, v);
        return r.problem ? problemText(r.problem, v) : true;
    }

    /** The space field: true, or the message. Empty is fine: the runtime then reads SIGNALWIRE_SPACE. */
    function checkSpace(v) {
        if (isBlank(v)) {
            return true;
        }
        var r = rules().checkSpace(String(v));
        return r.problem ? problemText(r.problem, v) : true;
    }

    /**
     * The origin that the credentials of a valid space field go to; "" when the field is empty
     * (the environment decides) or invalid.
     */
    function spaceOrigin(v) {
        if (isBlank(v)) {
            return "";
        }
        var r = rules().checkSpace(String(v));
        return r.endpoint ? r.endpoint.origin : "";
    }

    // ------------------------------------------------------------- validators
    // Each returns a `validate` function for a node definition's defaults: true, or the
    // translated message. A missing value (undefined or null) is valid: the runtime uses
    // the default.

    function unsetOr(type, errorKey, check) {
        var t = translator(type);
        return function(v, opt) {
            if (v === undefined || v === null || check.call(this, v, opt)) {
                return true;
            }
            return t(errorKey);
        };
    }

    var validators = {
        /** A typedInput value, checked by Node-RED's own validator for its type field. */
        typed: function(type, typeField, errorKey) {
            var check = RED.validators.typedInput({ typeField: typeField, allowUndefined: true });
            return unsetOr(type, errorKey, function(v, opt) {
                return check.call(this, v, opt) === true;
            });
        },
        oneOf: function(type, list, errorKey) {
            return unsetOr(type, errorKey, function(v) {
                return list.indexOf(String(v)) !== -1;
            });
        },
        /**
         * A number field by its rule in rules.ts. `applies` (optional, called with the node)
         * says whether the field counts in the node's current settings.
         */
        number: function(field, applies) {
            return function(v, opt) {
                if (v === undefined || v === null || (applies && !applies.call(this))) {
                    return true;
                }
                return checkNumber(field, v);
            };
        },
        /** Any rule of rules.ts that answers { problem } or something else: true, or the runtime's sentence. */
        /** A field by one of the runtime's rules: `check(v)`, or `check(field, v)` when the rule takes the field's name. */
        rule: function(check, field) {
            return function(v, opt) {
                if (v === undefined || v === null) {
                    return true;
                }
                var r = field === undefined ? check(v) : check(field, v);
                return r && r.problem ? problemText(r.problem, v) : true;
            };
        },
        pageToken: function(applies) {
            return function(v, opt) {
                if (isBlank(v) || (applies && !applies.call(this)) || rules().isPageToken(String(v).trim())) {
                    return true;
                }
                return shared("errors.page-token", { field: shared("fields.pageToken"), value: describe(v) });
            };
        },
        space: function() {
            // Two parameters: Node-RED shows a returned message only from a validator taking (v, opt).
            return function(v, opt) {
                return checkSpace(v);
            };
        }
    };

    // ------------------------------------------------------------- list nodes

    var LIST_MODES = ["all", "page", "pages"];
    var LIST_FIELDS = ["pageSize", "page", "pageToken", "maxPages", "maxItems"];

    /**
     * A list node's mode: the dialog's while it is open, else the node's. Page fields only count
     * in the modes that show them, as at runtime: a value left over from another mode must not
     * mark the node invalid behind a hidden field.
     */
    function currentMode(node) {
        var field = $("#node-input-mode");
        return field.length ? field.val() : (node.mode || "all");
    }

    /**
     * The paging properties every list node has, checked by the shared rules in the modes that
     * use them. `keys` names the node's own texts (written out in its HTML, where a scan finds
     * them): invalidMode, and tipAll (the "all pages" tip, which says what the node lists).
     */
    function listingDefaults(type, keys) {
        function when(test) {
            return function() { return test(currentMode(this)); };
        }
        return {
            mode: { value: "all", validate: validators.oneOf(type, LIST_MODES, keys.invalidMode) },
            pageSize: { value: "", validate: validators.number("pageSize", when(function(m) { return m !== "all"; })) },
            page: { value: "", validate: validators.number("page", when(function(m) { return m === "page"; })) },
            pageToken: { value: "", validate: validators.pageToken(when(function(m) { return m === "page"; })) },
            maxPages: { value: 200, validate: validators.number("maxPages", when(function(m) { return m !== "page"; })) },
            maxItems: { value: 10000, validate: validators.number("maxItems", when(function(m) { return m !== "page"; })) }
        };
    }

    // The paging rows and tips of every list dialog, built here once. Their texts are shared (the
    // runtime catalogue's listing.*, written out so that a scan finds them used).
    var LISTING_TEXTS = {
        "label.mode": "signalwire-space.listing.label.mode",
        "label.page": "signalwire-space.listing.label.page",
        "label.pageSize": "signalwire-space.listing.label.pageSize",
        "label.pageToken": "signalwire-space.listing.label.pageToken",
        "label.maxPages": "signalwire-space.listing.label.maxPages",
        "label.maxItems": "signalwire-space.listing.label.maxItems",
        "mode.all": "signalwire-space.listing.mode.all",
        "mode.page": "signalwire-space.listing.mode.page",
        "mode.pages": "signalwire-space.listing.mode.pages",
        "placeholder.page": "signalwire-space.listing.placeholder.page",
        "placeholder.pageSizePage": "signalwire-space.listing.placeholder.pageSizePage",
        "placeholder.pageSizePages": "signalwire-space.listing.placeholder.pageSizePages",
        "placeholder.pageToken": "signalwire-space.listing.placeholder.pageToken",
        "placeholder.maxPages": "signalwire-space.listing.placeholder.maxPages",
        "placeholder.maxItems": "signalwire-space.listing.placeholder.maxItems",
        "tip.page": "signalwire-space.listing.tip.page",
        "tip.pages": "signalwire-space.listing.tip.pages"
    };
    // Each page field's row: its icon, its width, and whether it has a placeholder of its own
    // (the page size's follows the mode).
    var LISTING_ROWS = [
        { field: "page", icon: "fa-bookmark-o", width: "100px", placeholder: true },
        { field: "pageSize", icon: "fa-list-ol", width: "160px", placeholder: false },
        { field: "pageToken", icon: "fa-hashtag", width: "70%", placeholder: true },
        { field: "maxPages", icon: "fa-shield", width: "100px", placeholder: true },
        { field: "maxItems", icon: "fa-shield", width: "100px", placeholder: true }
    ];
    var ROWS_SLOT = '<div class="signalwire-listing-rows"></div>';
    var TIPS_SLOT = '<div class="signalwire-listing-tips"></div>';

    function listingRows() {
        var html = [
            '<div class="form-row">',
            '<label for="node-input-mode"><i class="fa fa-files-o"></i> <span data-signalwire-text="label.mode"></span></label>',
            '<select id="node-input-mode" style="width: 70%;">'
        ];
        LIST_MODES.forEach(function(m) {
            html.push('<option value="' + m + '" data-signalwire-text="mode.' + m + '"></option>');
        });
        html.push("</select>", "</div>");
        LISTING_ROWS.forEach(function(r) {
            html.push(
                '<div class="form-row node-row-signalwire-' + r.field + '">',
                '<label for="node-input-' + r.field + '"><i class="fa ' + r.icon + '"></i> <span data-signalwire-text="label.' + r.field + '"></span></label>',
                '<input type="text" id="node-input-' + r.field + '" style="width: ' + r.width + ';"' + (r.placeholder ? ' data-signalwire-placeholder="placeholder.' + r.field + '"' : "") + ">",
                "</div>"
            );
        });
        return html.join("\n");
    }

    function listingTips(keys) {
        return [
            '<div class="form-row form-tips">',
            '<span class="node-tip-signalwire-all" data-i18n="' + keys.tipAll + '"></span>',
            '<span class="node-tip-signalwire-page" data-signalwire-text="tip.page"></span>',
            '<span class="node-tip-signalwire-pages" data-signalwire-text="tip.pages"></span>',
            "</div>"
        ].join("\n");
    }

    /**
     * Writes the paging rows and tips into the dialog template of `type` where it holds the two
     * slots (ROWS_SLOT, TIPS_SLOT). Called when the node registers, before its dialog is first
     * built: Node-RED then fills and watches these inputs like any other of the template.
     */
    function listingTemplate(type, keys) {
        var template = $("script[data-template-name='" + type + "']");
        if (!template.length) {
            return;
        }
        template.text(template.text().replace(ROWS_SLOT, listingRows()).replace(TIPS_SLOT, listingTips(keys)));
    }

    /** The paging part of a list dialog: its texts, and the rows, tips and page-size placeholder of the mode chosen. */
    function prepareListing() {
        var t = translator(SPACE);
        $("[data-signalwire-text]").each(function() {
            $(this).text(t(LISTING_TEXTS[$(this).attr("data-signalwire-text")]));
        });
        $("[data-signalwire-placeholder]").each(function() {
            $(this).attr("placeholder", t(LISTING_TEXTS[$(this).attr("data-signalwire-placeholder")]));
        });
        var mode = $("#node-input-mode");
        function update() {
            var m = mode.val() || "all";
            $(".node-row-signalwire-page, .node-row-signalwire-pageToken").toggle(m === "page");
            $(".node-row-signalwire-pageSize").toggle(m === "page" || m === "pages");
            $(".node-row-signalwire-maxPages, .node-row-signalwire-maxItems").toggle(m === "all" || m === "pages");
            $("#node-input-pageSize").attr("placeholder", t(LISTING_TEXTS[m === "pages" ? "placeholder.pageSizePages" : "placeholder.pageSizePage"]));
            $(".node-tip-signalwire-all").toggle(m === "all");
            $(".node-tip-signalwire-page").toggle(m === "page");
            $(".node-tip-signalwire-pages").toggle(m === "pages");
            RED.tray.resize();
        }
        mode.on("change", update);
        update();
    }

    // ------------------------------------------------------------- dialogs

    /**
     * Properties missing in older or hand-written flows: show the defaults (the runtime uses
     * them too), so saving the dialog stores them; a list whose value is none of its choices
     * shows its default too, not a blank. Config node references are left alone.
     */
    function backfillDefaults(node, type, prefix) {
        var defs = RED.nodes.getType(type).defaults;
        Object.keys(defs).forEach(function(p) {
            var def = defs[p].value;
            if (def === undefined || defs[p].type) {
                return;
            }
            var field = $("#" + prefix + p);
            var missing = node[p] === undefined || node[p] === null;
            if (field.is(":checkbox")) {
                if (missing) {
                    field.prop("checked", !!def);
                }
            } else if (field.is("select")) {
                var known = field.find("option").filter(function() { return this.value === String(node[p]); }).length > 0;
                if (missing || !known) {
                    field.val(def);
                }
            } else if (missing) {
                field.val(def);
            }
        });
    }

    /**
     * Labels that are the runtime's names of their fields (the words its errors and the validators
     * use): each `.signalwire-field-label` gets the text of `keys[its data-field]`, a key of the
     * runtime catalogue written out by the caller, where a scan finds it used.
     */
    function fieldLabels(keys) {
        var t = translator(SPACE);
        $(".signalwire-field-label").each(function() {
            $(this).text(t(keys[$(this).attr("data-field")]));
        });
    }

    /** The typedInput types a SID field offers. */
    var SID_TYPES = ["msg", "flow", "global", "env", "str"];

    /** Turns the fields into typedInputs, each with its `<name>Type` field ("msg" when unset). */
    function typedInputs(node, names, types) {
        names.forEach(function(p) {
            var typeField = $("#node-input-" + p + "Type");
            if (!node[p + "Type"]) {
                typeField.val("msg");
            }
            $("#node-input-" + p).typedInput({
                default: "msg",
                typeField: typeField,
                types: types
            });
        });
    }

    /** Before saving: no surrounding blanks in these fields. */
    function trimInputs(prefix, names) {
        names.forEach(function(p) {
            var input = $("#" + prefix + p);
            var v = input.val();
            if (typeof v === "string") {
                input.val(v.trim());
            }
        });
    }

    // ------------------------------------------------------------- the space dialog

    // The answers of POST signalwire/test-connection and the values it may take from the
    // environment, each with its message key (written out, so a key is found where it is used).
    var TEST_TEXTS = {
        "ok": "signalwire-space.test.ok",
        "unauthorized": "signalwire-space.test.unauthorized",
        "forbidden": "signalwire-space.test.forbidden",
        "unreachable": "signalwire-space.test.unreachable",
        "not-found": "signalwire-space.test.not-found",
        "invalid": "signalwire-space.test.invalid",
        "error": "signalwire-space.test.error"
    };
    var TEST_RESULTS = Object.keys(TEST_TEXTS);
    var ENV_TEXTS = {
        "space": "signalwire-space.test.field.space",
        "projectId": "signalwire-space.test.field.projectId",
        "apiToken": "signalwire-space.test.field.apiToken"
    };
    var ENV_FIELDS = Object.keys(ENV_TEXTS);

    /**
     * What Test connection says: the result, the space it reached, and which values came from
     * SIGNALWIRE_* variables, e.g. "Connected to https://example.signalwire.com (space, Project ID
     * and API token from environment variables)".
     */
    function testSummary(ok, key, data) {
        var t = translator(SPACE);
        var space = data && typeof data.space === "string" ? data.space : "";
        var text = ok && space
            ? t("signalwire-space.test.connected", { space: space })
            : t(TEST_TEXTS[key] || TEST_TEXTS.error);
        var fromEnv = data && Array.isArray(data.fromEnv)
            ? ENV_FIELDS.filter(function(f) { return data.fromEnv.indexOf(f) !== -1; })
            : [];
        if (fromEnv.length) {
            var names = fromEnv.map(function(f) { return t(ENV_TEXTS[f]); });
            text += " " + t("signalwire-space.test.fromEnv", { fields: joinList(names, t("signalwire-space.test.and")) });
        }
        return text;
    }

    /** The note under the space field when the credentials would go to a host other than *.signalwire.com. */
    function updateHostTip(value) {
        var t = translator(SPACE);
        var origin = spaceOrigin(value);
        var host = origin ? new URL(origin).host : "";
        var tip = $("#node-config-signalwire-host-tip");
        var other = origin !== "" && !rules().isSignalWireHost(origin);
        tip.attr("data-host", other ? host : null).toggle(other);
        tip.find("span").text(other ? t("signalwire-space.tip.otherHost", { host: host }) : "");
    }

    /** The space dialog's oneditprepare, after the defaults are back-filled. */
    function prepareSpaceDialog(node) {
        var t = translator(SPACE);
        var spaceInput = $("#node-config-input-space");
        spaceInput.on("input change keyup", function() {
            updateHostTip(spaceInput.val());
        });
        updateHostTip(spaceInput.val());

        var button = $("#node-config-signalwire-test");
        var result = $("#node-config-signalwire-test-result");

        function showResult(ok, key, message, data) {
            result.empty()
                .attr("data-result", key)
                .removeClass("signalwire-test-ok signalwire-test-failed")
                .addClass(ok ? "signalwire-test-ok" : "signalwire-test-failed")
                .css("color", ok ? "var(--red-ui-text-color-success, #4b8400)"
                                 : "var(--red-ui-text-color-error, #d6615f)");
            $("<i/>").addClass(ok ? "fa fa-check" : "fa fa-times").appendTo(result);
            $("<span/>").addClass("signalwire-test-summary").text(" " + testSummary(ok, key, data)).appendTo(result);
            if (message) {
                result.attr("title", message);
                if (!ok) {
                    $("<span/>").addClass("signalwire-test-detail")
                        .css({ display: "block", "margin-top": "4px", "font-size": "0.9em", opacity: 0.85 })
                        .text(message).appendTo(result);
                }
            } else {
                result.removeAttr("title");
            }
        }

        button.on("click", function(evt) {
            evt.preventDefault();
            var apiToken = $("#node-config-input-apiToken").val();
            var body = {
                id: node.id,
                space: String(spaceInput.val() || "").trim(),
                projectId: String($("#node-config-input-projectId").val() || "").trim()
            };
            // "__PWRD__" stands for the stored token: leave it out so the
            // runtime uses the stored credential (or the env fallback).
            if (apiToken !== undefined && apiToken !== null && apiToken !== "__PWRD__") {
                body.apiToken = apiToken;
            }
            button.prop("disabled", true);
            result.empty()
                .attr("data-result", "testing")
                .removeAttr("title")
                .removeClass("signalwire-test-ok signalwire-test-failed")
                .css("color", "");
            $("<i/>").addClass("fa fa-spinner fa-spin").appendTo(result);
            $("<span/>").text(" " + t("signalwire-space.test.testing")).appendTo(result);
            $.ajax({
                url: "signalwire/test-connection",
                type: "POST",
                contentType: "application/json",
                dataType: "json",
                data: JSON.stringify(body),
                timeout: 120000
            }).done(function(data) {
                data = data || {};
                var key = TEST_RESULTS.indexOf(data.result) !== -1 ? data.result : (data.ok ? "ok" : "error");
                showResult(data.ok === true, key, data.message ? String(data.message) : "", data);
            }).fail(function(jqXHR, textStatus, errorThrown) {
                var data = jqXHR && jqXHR.responseJSON;
                if (data && typeof data === "object" && TEST_RESULTS.indexOf(data.result) !== -1) {
                    showResult(data.ok === true, data.result, data.message ? String(data.message) : "", data);
                    return;
                }
                var detail = (jqXHR && jqXHR.status ? jqXHR.status + " " : "") + (errorThrown || textStatus || "");
                showResult(false, "error", t("signalwire-space.test.failed", { message: detail.trim() }));
            }).always(function() {
                button.prop("disabled", false);
            });
        });
    }

    /** The space dialog's oneditsave: trimmed fields; the stored-token placeholder untouched. */
    function saveSpaceDialog() {
        trimInputs("node-config-input-", ["space", "projectId", "timeout", "retries", "maxInFlight", "maxQueue"]);
        // "__PWRD__" stands for a stored secret: left as it is, so the stored one is kept.
        ["apiToken", "signingKey"].forEach(function(p) {
            var secret = $("#node-config-input-" + p);
            var v = secret.val();
            if (typeof v === "string" && v !== "__PWRD__") {
                secret.val(v.trim());
            }
        });
    }

    addStyle();

    window.SignalWireEditor = {
        translator: translator,
        isBlank: isBlank,
        validators: validators,
        backfillDefaults: backfillDefaults,
        fieldLabels: fieldLabels,
        SID_TYPES: SID_TYPES,
        typedInputs: typedInputs,
        trimInputs: trimInputs,
        listing: {
            fields: LIST_FIELDS,
            defaults: listingDefaults,
            template: listingTemplate,
            prepare: prepareListing
        },
        space: {
            prepare: prepareSpaceDialog,
            save: saveSpaceDialog
        }
    };
})(window);
