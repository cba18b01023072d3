"""The English messages of the house templates: French msgid (as Jinja's i18n extension extracts it,
trimmed) → English. web/i18n.py says why a table; ``tests/web/test_i18n.py`` checks that every msgid of
the templates is here. A message missing from the table shows in French, never breaks a page.

Placeholders (``%(name)s``) must be kept as they are; HTML in a message is ours (the variables filled in
are escaped)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # base.html
    "Aller au contenu": "Skip to content",
    "Navigation principale": "Main navigation",
    "Accueil": "Home",
    "Requêtes SPARQL": "SPARQL queries",
    "Ontologie": "Ontology",
    "Catalogue et téléchargements": "Catalogue and downloads",
    "Liens entre jeux de données": "Links between datasets",
    "Données : ministère de la Culture, <a href=\"https://www.etalab.gouv.fr/licence-ouverte-open-licence/\" "
    "rel=\"external license\">Licence Ouverte / Open Licence<span class=\"ext\" aria-hidden=\"true\">↗</span>"
    "<span class=\"visually-hidden\"> (site externe)</span></a>. Graphe : culturegraph.":
        "Data: French Ministry of Culture, <a href=\"https://www.etalab.gouv.fr/licence-ouverte-open-licence/\" "
        "rel=\"external license\">Licence Ouverte / Open Licence<span class=\"ext\" aria-hidden=\"true\">↗</span>"
        "<span class=\"visually-hidden\"> (external site)</span></a>. Graph: culturegraph.",
    "(site externe)": "(external site)",
    "Signaler une erreur sur cette valeur": "Report an error on this value",
    "Signaler une erreur sur la valeur « %(value)s » (%(property)s)":
        "Report an error on the value “%(value)s” (%(property)s)",
    # _downloads.html, _graph_downloads.html
    "Télécharger le graphe": "Download the graph",
    "Tout le graphe (tous les graphes nommés), compressé en gzip ; chaque graphe nommé a aussi les siens dans "
    "le <a href=\"%(root)scatalogue\">catalogue DCAT-AP</a>, avec les statistiques VoID. Les "
    "<a href=\"%(root)schanges\">changements</a> d'une construction à l'autre ont un "
    "<a href=\"%(root)schanges.atom\">flux Atom</a>.":
        "The whole graph (every named graph), gzip-compressed; each named graph also has its own in the "
        "<a href=\"%(root)scatalogue\">DCAT-AP catalogue</a>, with the VoID statistics. The "
        "<a href=\"%(root)schanges\">changes</a> from one build to the next have an "
        "<a href=\"%(root)schanges.atom\">Atom feed</a>.",
    "Pas encore de téléchargements : ils sont écrits par <code>culturegraph build</code>.":
        "No downloads yet: <code>culturegraph build</code> writes them.",
    "Téléchargements": "Downloads",
    "Tout le graphe nommé <code>%(name)s</code> de la construction servie, compressé en gzip ; la somme "
    "SHA-256 est celle du fichier téléchargé (<code>sha256sum</code>). Un téléchargement interrompu reprend "
    "(<code>curl -C -</code>, requêtes <code>Range</code>). Le <a href=\"%(root)scatalogue\">catalogue "
    "DCAT-AP</a> les décrit.":
        "The whole named graph <code>%(name)s</code> of the build being served, gzip-compressed; the SHA-256 "
        "sum is that of the downloaded file (<code>sha256sum</code>). An interrupted download resumes "
        "(<code>curl -C -</code>, <code>Range</code> requests). The <a href=\"%(root)scatalogue\">DCAT-AP "
        "catalogue</a> describes them.",
    "Fichiers à télécharger": "Files to download",
    "Fichier": "File",
    "Format": "Format",
    "Taille": "Size",
    "Triplets": "Triples",
    # catalogue.html
    "Catalogue des données": "Data catalogue",
    "Ce catalogue suit <a href=\"https://semiceu.github.io/DCAT-AP/releases/3.0.1/\" rel=\"external\">DCAT-AP "
    "3.0.1</a> (moissonnable par data.gouv.fr et data.europa.eu) et décrit chaque graphe nommé avec ses "
    "statistiques <a href=\"https://www.w3.org/TR/void/\" rel=\"external\">VoID</a>. Il est aussi servi en "
    "%(served)s (<code>%(root)scatalogue</code> par négociation de contenu ; <code>/.well-known/void</code> "
    "y mène aussi).":
        "This catalogue follows <a href=\"https://semiceu.github.io/DCAT-AP/releases/3.0.1/\" "
        "rel=\"external\">DCAT-AP 3.0.1</a> (harvestable by data.gouv.fr and data.europa.eu) and describes "
        "each named graph with its <a href=\"https://www.w3.org/TR/void/\" rel=\"external\">VoID</a> "
        "statistics. It is also served as %(served)s (<code>%(root)scatalogue</code> by content "
        "negotiation; <code>/.well-known/void</code> leads there too).",
    "Mis à jour le <time datetime=\"%(modified)s\">%(day)s</time>.":
        "Updated on <time datetime=\"%(modified)s\">%(day)s</time>.",
    "Point d'accès SPARQL : <a href=\"%(endpoint)s\"><code>%(endpoint)s</code></a>.":
        "SPARQL endpoint: <a href=\"%(endpoint)s\"><code>%(endpoint)s</code></a>.",
    "Changements d'une construction à l'autre": "Changes from one build to the next",
    "Jeux de données et téléchargements": "Datasets and downloads",
    "Chaque fichier est compressé en gzip ; sa taille et sa somme SHA-256 sont celles du fichier téléchargé "
    "(<code>sha256sum</code>). Les téléchargements reprennent là où ils s'étaient arrêtés (requêtes "
    "<code>Range</code>).":
        "Each file is gzip-compressed; its size and SHA-256 sum are those of the downloaded file "
        "(<code>sha256sum</code>). Downloads resume where they stopped (<code>Range</code> requests).",
    "Identifiant": "Identifier",
    "Contenu": "Content",
    "%(triples)s triplets, %(entities)s entités, %(classes)s classes, %(properties)s propriétés":
        "%(triples)s triples, %(entities)s entities, %(classes)s classes, %(properties)s properties",
    "Période": "Period",
    "Thèmes": "Themes",
    "Mots-clés": "Keywords",
    "Source": "Source",
    "Liens sortants": "Outgoing links",
    "%(n)s vers %(target)s": "%(n)s to %(target)s",
    "Distributions de « %(title)s »": "Distributions of “%(title)s”",
    "Distribution": "Distribution",
    "Type": "Type",
    # changes.html
    "Changements du graphe": "Changes of the graph",
    "Changements du graphe (Atom)": "Changes of the graph (Atom)",
    "Chaque construction du graphe est comparée à celle qu'elle remplace : triplets ajoutés et retirés par "
    "graphe nommé, ressources apparues et disparues, chiffres qui ont changé. Suivre ces changements : "
    "<a href=\"%(root)schanges.atom\">flux Atom</a> ; chaque rapport existe aussi en JSON.":
        "Each build of the graph is compared with the one it replaces: triples added and removed per named "
        "graph, resources that appeared and vanished, figures that changed. Follow these changes: "
        "<a href=\"%(root)schanges.atom\">Atom feed</a>; each report also exists in JSON.",
    "Aucun rapport pour l'instant : il en faut deux constructions.": "No report yet: it takes two builds.",
    "Construction <code>%(build)s</code>": "Build <code>%(build)s</code>",
    "comparée à <code>%(previous)s</code>": "compared with <code>%(previous)s</code>",
    "(première construction comparée)": "(first build compared)",
    "Changements par graphe": "Changes per graph",
    "Graphe": "Graph",
    "Triplets avant": "Triples before",
    "après": "after",
    "ajoutés": "added",
    "retirés": "removed",
    "ressources apparues": "resources appeared",
    "disparues": "vanished",
    "%(graph)s : ressources apparues et disparues (les premières)":
        "%(graph)s: resources that appeared and vanished (the first ones)",
    "Apparues :": "Appeared:",
    "Disparues :": "Vanished:",
    "Chiffres qui ont changé (%(n)s)": "Figures that changed (%(n)s)",
    "Chiffre": "Figure",
    "Avant": "Before",
    "Après": "After",
    # home.html
    "Données ouvertes de la Culture en graphe": "The Ministry of Culture's open data as a graph",
    "Ontologie (Turtle)": "Ontology (Turtle)",
    "Catalogue DCAT-AP (Turtle)": "DCAT-AP catalogue (Turtle)",
    "Le graphe des données ouvertes du ministère de la Culture":
        "The knowledge graph of the French Ministry of Culture's open data",
    "et": "and",
    "« %(title)s »": "“%(title)s”",
    "culturegraph publie les données ouvertes du ministère de la Culture sous forme de <strong>données "
    "liées</strong> (Linked Open Data) : chaque ressource, chiffre, terme et liste de codes a une adresse web "
    "(IRI) stable, que l'on peut consulter dans un navigateur, télécharger en RDF ou interroger en SPARQL. "
    "Les données viennent de %(names)s.":
        "culturegraph publishes the French Ministry of Culture's open data as <strong>Linked Open "
        "Data</strong>: every resource, figure, term and code list has a stable web address (IRI) that can "
        "be read in a browser, downloaded as RDF or queried with SPARQL. The data come from %(names)s.",
    "Ce que contient le graphe": "What the graph holds",
    "triplets en tout": "triples in all",
    "Jeux de données et graphes nommés": "Datasets and named graphs",
    "Jeu de données": "Dataset",
    "Description": "Description",
    "Graphe nommé": "Named graph",
    "Télécharger": "Download",
    "Ontologie, listes de codes, structures de cube, libellés des termes externes.":
        "Ontology, code lists, cube structures, labels of external terms.",
    "Provenance des données (PROV-O) : fichiers sources, construction du graphe.":
        "Provenance of the data (PROV-O): source files, the build of the graph.",
    "Catalogue DCAT-AP du graphe : jeux de données, téléchargements, statistiques VoID "
    "(<a href=\"%(root)scatalogue\">/catalogue</a>).":
        "The graph's DCAT-AP catalogue: datasets, downloads, VoID statistics "
        "(<a href=\"%(root)scatalogue\">/catalogue</a>).",
    "Liens entre les jeux de données, avec leur méthode et leur score (<a href=\"%(root)sliens\">rapport des "
    "liens</a>).":
        "Links between the datasets, with their method and score (<a href=\"%(root)sliens\">link "
        "report</a>).",
    "Version du graphe : <code>%(version)s</code>.": "Version of the graph: <code>%(version)s</code>.",
    "Par où commencer": "Where to start",
    "Chercheurs et chercheuses : interroger": "Researchers: query",
    "Le point d'accès <a href=\"%(root)ssparql\"><code>/sparql</code></a> (SPARQL 1.1) interroge l'union des "
    "graphes nommés ; dans un navigateur il ouvre un éditeur de requêtes avec des exemples.":
        "The endpoint <a href=\"%(root)ssparql\"><code>/sparql</code></a> (SPARQL 1.1) queries the union of "
        "the named graphs; in a browser it opens a query editor with examples.",
    "Exemples de pages :": "Example pages:",
    "Applications de données liées : déréférencer": "Linked data applications: dereference",
    "Modèles d'IRI (base <code>%(base)s</code>)": "IRI patterns (base <code>%(base)s</code>)",
    "Ressource": "Resource",
    "Modèle": "Pattern",
    "Exemple": "Example",
    "{nom}": "{name}",
    "Chaque IRI répond <code>303 See Other</code> vers son document <code>/doc/…</code>, qui est servi selon "
    "l'en-tête <code>Accept</code> (négociation de contenu) ou avec un suffixe :":
        "Each IRI answers <code>303 See Other</code> to its document <code>/doc/…</code>, served according "
        "to the <code>Accept</code> header (content negotiation) or with a suffix:",
    "Les réponses portent <code>Vary: Accept</code>, <code>Content-Location</code>, des liens "
    "<code>Link: rel=\"alternate\"</code>, <code>ETag</code> et <code>Last-Modified</code> ; les IRI à dièse "
    "(<code>#adresse</code>, <code>#geo</code>) sont décrites dans le document de leur ressource.":
        "Responses carry <code>Vary: Accept</code>, <code>Content-Location</code>, "
        "<code>Link: rel=\"alternate\"</code> links, <code>ETag</code> and <code>Last-Modified</code>; hash "
        "IRIs (<code>#adresse</code>, <code>#geo</code>) are described in their resource's document.",
    "Conservateurs et producteurs de données : contrôler": "Curators and data producers: check",
    "Chaque construction du graphe est validée avec des formes SHACL ; les lignes rejetées des fichiers "
    "sources sont mises en quarantaine avec le fichier, la ligne, la colonne et la raison.":
        "Each build of the graph is validated with SHACL shapes; rows of the source files that are "
        "rejected are quarantined with their file, line, column and reason.",
    "Rapport des liens": "Link report",
    "les liens entre jeux de données, les candidats ambigus à trancher et les candidats rejetés.":
        "the links between datasets, the ambiguous candidates to decide and the rejected candidates.",
    "Rapport de validation : <code>culturegraph validate --format html</code> ; quarantaine : fichier "
    "<code>quarantine.csv</code> du dossier de la construction.":
        "Validation report: <code>culturegraph validate --format html</code>; quarantine: the file "
        "<code>quarantine.csv</code> of the build's directory.",
    "<a href=\"%(root)sdoc/graph/provenance\">Provenance du graphe</a> (fichiers sources, date de "
    "construction).":
        "<a href=\"%(root)sdoc/graph/provenance\">Provenance of the graph</a> (source files, build date).",
    "Rapport de validation SHACL": "SHACL validation report",
    "Lignes en quarantaine": "Quarantined rows",
    "Rapport de construction": "Build report",
    # not_found.html
    "Ressource inconnue": "Unknown resource",
    "Le graphe ne dit rien de <code>%(iri)s</code>.": "The graph says nothing about <code>%(iri)s</code>.",
    "<a href=\"%(root)s\">Page d'accueil</a> : ce que contient le graphe et comment le parcourir.":
        "<a href=\"%(root)s\">Home page</a>: what the graph holds and how to browse it.",
    "<a href=\"%(root)ssparql\">Chercher avec une requête SPARQL</a>.":
        "<a href=\"%(root)ssparql\">Search with a SPARQL query</a>.",
    # query.html
    "Interroger le graphe en SPARQL": "Query the graph with SPARQL",
    "Point d'accès : <code>%(endpoint)s</code> (SPARQL 1.1, union des graphes nommés). Choisissez un exemple "
    "ou écrivez votre requête, puis lancez-la avec le bouton ▶ ou <kbd>Ctrl</kbd>+<kbd>Entrée</kbd>.":
        "Endpoint: <code>%(endpoint)s</code> (SPARQL 1.1, union of the named graphs). Pick an example or "
        "write your query, then run it with the ▶ button or <kbd>Ctrl</kbd>+<kbd>Enter</kbd>.",
    "Exemples": "Examples",
    "Éditeur de requêtes": "Query editor",
    "L'éditeur interactif demande JavaScript ; le formulaire ci-dessous marche sans.":
        "The interactive editor needs JavaScript; the form below works without it.",
    "Formulaire simple (sans JavaScript)": "Plain form (without JavaScript)",
    "Requête SPARQL": "SPARQL query",
    "Format du résultat": "Result format",
    "Exécuter": "Run",
    # resource.html
    "IRI : <code>%(iri)s</code>": "IRI: <code>%(iri)s</code>",
    "Formats de ce document": "Formats of this document",
    "Télécharger :": "Download:",
    "Carte": "Map",
    "Carte : position de %(title)s": "Map: position of %(title)s",
    "Coordonnées (WGS 84) : latitude <span class=\"lat\">%(lat)s</span>, longitude "
    "<span class=\"lon\">%(lon)s</span>":
        "Coordinates (WGS 84): latitude <span class=\"lat\">%(lat)s</span>, longitude "
        "<span class=\"lon\">%(lon)s</span>",
    "voir sur OpenStreetMap": "see on OpenStreetMap",
    "Ce graphe contient <strong>%(n)s</strong> triplets.": "This graph holds <strong>%(n)s</strong> triples.",
    "Ses 100 premiers triplets :": "Its first 100 triples:",
    "dans l'éditeur SPARQL": "in the SPARQL editor",
    "Liens entrants": "Incoming links",
    "Ressources qui pointent vers %(title)s": "Resources that point to %(title)s",
    "Propriété": "Property",
    "Pages des liens entrants": "Pages of incoming links",
    "← page précédente": "← previous page",
    "page %(page)s sur %(pages)s": "page %(page)s of %(pages)s",
    "page suivante →": "next page →",
    "La ligne du fichier source dont cette ressource a été tirée (celle dont la correspondance a tiré ses "
    "valeurs), d'après l'index de provenance de la construction ; ligne physique du fichier, l'en-tête est "
    "la ligne 1. Les colonnes sont celles des valeurs que la correspondance rattache à un champ de ce fichier.":
        "The row of the source file this resource was made from (the one its mapping took its values "
        "from), according to the build's provenance index; physical line of the file, the header is line "
        "1. The columns are those of the values the mapping ties to a field of this file.",
    "élément <strong class=\"feature\">%(feature)s</strong> (pointeur JSON <code "
    "class=\"pointer\">%(pointer)s</code>)":
        "item <strong class=\"feature\">%(feature)s</strong> (JSON pointer <code "
        "class=\"pointer\">%(pointer)s</code>)",
    "ligne <strong class=\"line\">%(line)s</strong>": "line <strong class=\"line\">%(line)s</strong>",
    "pour": "for",
    "Colonnes (%(n)s)": "Columns (%(n)s)",
    "Colonne du fichier source de chaque propriété": "Column of the source file of each property",
    "Colonne": "Column",
    "En-tête": "Header",
    "Graphes sources": "Source graphs",
    # links.html (web/links.py), with the stage's method descriptions (pipeline/links.MEASURE)
    "Rapport des liens (JSON)": "Link report (JSON)",
    "Candidats (CSV)": "Candidates (CSV)",
    "L'étape des liens joint les jeux de données : elle écrit dans le graphe nommé <a "
    "href=\"%(root)sgraph/liens\"><code>/graph/liens</code></a> chaque lien avec sa méthode et son score "
    "(correspondances SSSOM), après avoir appliqué les décisions des conservateurs. Ce rapport est celui de la "
    "construction servie : combien de liens de chaque type, les candidats ambigus que les conservateurs ont à "
    "trancher, les décisions appliquées et les candidats rejetés.":
        "The links stage joins the datasets: it writes into the named graph <a "
        "href=\"%(root)sgraph/liens\"><code>/graph/liens</code></a> every link with its method and score "
        "(SSSOM mappings), after applying the curators' decisions. This report is that of the build being "
        "served: how many links of each kind, the ambiguous candidates for curators to decide, the "
        "decisions applied and the rejected candidates.",
    "La construction servie (<code>%(build)s</code>) n'a pas de rapport des liens.":
        "The build being served (<code>%(build)s</code>) has no link report.",
    "Aucune construction n'est servie.": "No build is being served.",
    "Construction <code>%(build)s</code> : <strong id=\"total-liens\">%(links)s</strong> liens écrits.":
        "Build <code>%(build)s</code>: <strong id=\"total-liens\">%(links)s</strong> links written.",
    "Liens par type et par verdict": "Links by kind and verdict",
    "Type de lien": "Kind of link",
    "Jeux de données": "Datasets",
    "Sujets": "Subjects",
    "Objets": "Objects",
    "Liens": "Links",
    "Total": "Total",
    "Acceptés : liens trouvés par la méthode au-dessus de son seuil ; confirmés et refusés : décisions des "
    "conservateurs ; ambigus : candidats entre le seuil de revue et celui d'acceptation, non liés ; rejetés : "
    "candidats examinés sous le seuil de revue.":
        "Accepted: links the method found above its threshold; confirmed and refused: the curators' "
        "decisions; ambiguous: candidates between the review and the acceptance thresholds, not linked; "
        "rejected: candidates examined below the review threshold.",
    "Trancher un candidat": "Deciding a candidate",
    "Une décision s'inscrit dans la table des décisions du jeu de données qui déclare la règle, un fichier "
    "versionné avec le code (colonnes <code>type;sujet;objet;decision;date;raison</code>, séparées par des "
    "points-virgules ; <code>decision</code> vaut <code>confirmé</code> ou <code>refusé</code> ; sujet et objet "
    "en IRI ou en chemin relatif à la base). La construction suivante l'applique avant la méthode : un couple "
    "confirmé est lié, un couple refusé n'est plus jamais proposé. Chaque candidat ci-dessous donne la ligne à "
    "ajouter (confirmée ; remplacez par <code>refusé</code> pour refuser, et donnez la raison).":
        "A decision is written in the decisions table of the dataset that declares the rule, a file "
        "committed with the code (columns <code>type;sujet;objet;decision;date;raison</code>, separated by "
        "semicolons; <code>decision</code> is <code>confirmé</code> (confirmed) or <code>refusé</code> "
        "(refused); subject and object as IRIs or paths relative to the base). The next build applies it "
        "before the method: a confirmed pair is linked, a refused pair is never proposed again. Each "
        "candidate below gives the line to add (confirmed; put <code>refusé</code> instead to refuse, and "
        "give the reason).",
    "Propriété : <code>%(predicates)s</code> ; méthode : <code>%(matchers)s</code>.":
        "Property: <code>%(predicates)s</code>; method: <code>%(matchers)s</code>.",
    "Liens par méthode :": "Links by method:",
    "Décisions : <code>%(path)s</code>.": "Decisions: <code>%(path)s</code>.",
    "%(n)s affichés": "%(n)s shown",
    "Sujet": "Subject",
    "Objet": "Object",
    "Score": "Score",
    "Méthode": "Method",
    "Ce que la méthode a vu": "What the method saw",
    "Ligne à ajouter à la table des décisions": "Line to add to the decisions table",
    "Aucun candidat ambigu : rien à trancher.": "No ambiguous candidate: nothing to decide.",
    "égalité de clé (1.0)": "equal keys (1.0)",
    "recouvrement pondéré des mots des noms (idf), même clé": "weighted overlap of the names' words (idf), same key",
    "0.7 × recouvrement pondéré des noms + 0.3 × proximité (1 à 0 m, 0 à la distance de la règle)":
        "0.7 × weighted overlap of the names + 0.3 × nearness (1 at 0 m, 0 at the rule's distance)",
    "lien déclaré par le jeu de données (1.0)": "link stated by the dataset (1.0)",
    "décision des conservateurs (1.0)": "the curators' decision (1.0)",
    "confirmés": "confirmed",
    "acceptés": "accepted",
    "refusés": "refused",
    "ambigus": "ambiguous",
    "rejetés": "rejected",
}
