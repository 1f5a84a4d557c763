// Search result summaries without raw LaTeX.
//
// Sphinx's search page shows, under each result, a stretch of the page's text. The page's HTML
// holds its formulas as LaTeX source (MathJax typesets them only in a browser that shows the
// page), so a summary would read "\(\eta\)" or "\frac{...}{...}". Before Sphinx turns a result
// page into text, this replaces each formula with a plain reading of it: Greek letters and
// common symbols as characters, \frac{a}{b} as (a)/(b), font commands dropped.

const MATH_SYMBOLS = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", Delta: "Δ", epsilon: "ε", varepsilon: "ε",
  eta: "η", theta: "θ", kappa: "κ", lambda: "λ", Lambda: "Λ", mu: "μ", nu: "ν", pi: "π",
  rho: "ρ", sigma: "σ", Sigma: "Σ", tau: "τ", phi: "φ", varphi: "φ", Phi: "Φ", chi: "χ",
  psi: "ψ", omega: "ω", Omega: "Ω", nabla: "∇", partial: "∂", sum: "Σ", prod: "Π",
  infty: "∞", approx: "≈", sim: "~", le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠",
  times: "×", cdot: "·", odot: "⊙", circ: "∘", to: "→", rightarrow: "→", leftarrow: "←",
  Rightarrow: "⇒", mapsto: "↦", pm: "±", ldots: "…", cdots: "…", dots: "…", sqrt: "√",
  in: "∈", propto: "∝", mid: "|", lVert: "‖", rVert: "‖", Vert: "‖", lvert: "|", rvert: "|",
  left: "", right: "", big: "", Big: "", bigl: "", bigr: "", quad: " ", qquad: " ",
};

// One pass over the innermost braces: font commands, roots, hats and bars, then fractions whose
// numerator and denominator hold no braces any more.
function plainBraces(tex) {
  return tex
    .replace(/\\(?:text|mathrm|mathbf|mathit|mathcal|operatorname|boldsymbol|textrm)\s*\{([^{}]*)\}/g, "$1")
    .replace(/\\sqrt\s*\{([^{}]*)\}/g, (_, inside) => (/^\w+$/.test(inside) ? `√${inside}` : `√(${inside})`))
    .replace(/\\(?:hat|widehat)\s*\{([^{}]*)\}/g, "$1\u0302")
    .replace(/\\(?:bar|overline)\s*\{([^{}]*)\}/g, "$1\u0304")
    .replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)");
}

function plainMath(tex) {
  let text = tex.trim().replace(/^\\[([]|\\[)\]]$/g, "");
  for (let pass = 0; pass < 8; pass += 1) {
    const next = plainBraces(text);
    if (next === text) break;
    text = next;
  }
  return text
    .replace(/\\([A-Za-z]+)/g, (_, name) => (name in MATH_SYMBOLS ? MATH_SYMBOLS[name] : name))
    .replace(/\\[,;:! ]/g, " ")
    .replace(/\\\\|\\/g, " ")
    .replace(/[{}]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function plainMathInSearchSummaries() {
  if (typeof Search === "undefined" || Search.htmlToTextWithMath) return;
  const htmlToText = Search.htmlToText;
  Search.htmlToTextWithMath = htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(".math").forEach((formula) => {
      formula.textContent = plainMath(formula.textContent);
    });
    return htmlToText(page.documentElement.outerHTML, anchor);
  };
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", plainMathInSearchSummaries);
} else {
  plainMathInSearchSummaries();
}
