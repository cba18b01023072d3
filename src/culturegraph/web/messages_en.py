"""The English messages of the house templates: French msgid (as Jinja's i18n extension extracts it,
trimmed) → English. web/i18n.py says why a table; ``tests/web/test_i18n.py`` checks that every msgid of
the templates is here. A message missing from the table shows in French, never breaks a page.

Placeholders (``%(name)s``) must be kept as they are; HTML in a message is ours (the variables filled in
are escaped). Lines may be long: a message is looked up by its whole text."""
# ruff: noqa: E501

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
    "Données : chaque jeu de données sous sa licence ou ses conditions, données dans le <a "
    "href=\"%(catalogue)s\">catalogue</a> ; celles du ministère de la Culture sous <a "
    "href=\"https://www.etalab.gouv.fr/licence-ouverte-open-licence/\" rel=\"external\">Licence Ouverte / Open "
    "Licence<span class=\"ext\" aria-hidden=\"true\">↗</span><span class=\"visually-hidden\"> (site "
    "externe)</span></a>. Graphe : culturegraph.":
        "Data: each dataset under its own licence or terms, given in the <a href=\"%(catalogue)s\">catalogue</a>; "
        "the French Ministry of Culture's under the <a "
        "href=\"https://www.etalab.gouv.fr/licence-ouverte-open-licence/\" rel=\"external\">Licence Ouverte / "
        "Open Licence<span class=\"ext\" aria-hidden=\"true\">↗</span><span class=\"visually-hidden\"> "
        "(external site)</span></a>. Graph: culturegraph.",
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
    "même identifiant sur la ressource et sur l'élément Wikidata (1.0)":
        "the same identifier on the resource and on the Wikidata item (1.0)",
    "confirmés": "confirmed",
    "acceptés": "accepted",
    "refusés": "refused",
    "ambigus": "ambiguous",
    "rejetés": "rejected",
    # the curators' area (curation/*.html, web/curation.py, web/auth.py)
    "En faire une remarque": "Turn it into a remark",
    "Espace des conservateurs": "Curators' area",
    "File des remarques": "Remarks queue",
    "Décisions de liens": "Link decisions",
    "Flux Atom": "Atom feed",
    "Connecté : <strong id=\"conservateur\">%(curator)s</strong>":
        "Logged in: <strong id=\"conservateur\">%(curator)s</strong>",
    "Se déconnecter": "Log out",
    "Connexion des conservateurs": "Curators' login",
    "Nom": "Name",
    "Mot de passe": "Password",
    "Se connecter": "Log in",
    "Les comptes sont créés par la commande <code>culturegraph remarks curator NOM</code>.":
        "Accounts are created by the command <code>culturegraph remarks curator NAME</code>.",
    "Lignes et valeurs en quarantaine": "Quarantined rows and values",
    "Construction <code>%(build)s</code> : %(count)s entrée": "Build <code>%(build)s</code>: %(count)s entry",
    "Construction <code>%(build)s</code> : %(count)s entrées": "Build <code>%(build)s</code>: %(count)s entries",
    "%(n)s affichées": "%(n)s shown",
    "Ligne": "Line",
    "Valeur": "Value",
    "Raison": "Reason",
    "Action": "Action",
    "aucune (la ligne n'a rien produit)": "none (the row produced nothing)",
    "Statut": "Status",
    "tous": "all",
    "(aucun)": "(none)",
    "Filtrer": "Filter",
    "%(count)s remarque.": "%(count)s remark.",
    "%(count)s remarques.": "%(count)s remarks.",
    "Choisir": "Select",
    "Date": "Date",
    "Jeu": "Dataset",
    "Remarque": "Remark",
    "Choisir la remarque %(id)s": "Select remark %(id)s",
    "retenue :": "held:",
    "(non publiée)": "(not published)",
    "Marquer comme indésirables": "Mark as spam",
    "Suivantes": "Next",
    "Remarque %(id)s": "Remark %(id)s",
    "Statut :": "Status:",
    "(publiée)": "(published)",
    "Valeur concernée": "Value concerned",
    "Texte": "Text",
    "Valeur proposée": "Proposed value",
    "Adresse de l'auteur": "Author's address",
    "(effacée à la clôture)": "(erased when closed)",
    "Réponse": "Reply",
    "Origine": "Origin",
    "Raison ou réponse": "Reason or reply",
    "Accepter et corriger": "Accept and correct",
    "Accepter": "Accept",
    "Rejeter": "Reject",
    "Répondre": "Reply",
    "Retirer": "Withdraw",
    "Publier": "Publish",
    "Indésirable": "Spam",
    "Historique": "History",
    "%(n)s triplets": "%(n)s triples",
    "%(n)s lignes en quarantaine": "%(n)s quarantined rows",
    "%(n)s lignes": "%(n)s rows",
    "Construction <code>%(build)s</code> : %(count)s constat": "Build <code>%(build)s</code>: %(count)s finding",
    "Construction <code>%(build)s</code> : %(count)s constats":
        "Build <code>%(build)s</code>: %(count)s findings",
    "Gravité": "Severity",
    "Message": "Message",
    "Écrivez la réponse.": "Write the reply.",
    "Seule une remarque nouvelle ou rejetée peut être acceptée.": "Only a new or rejected remark can be accepted.",
    "La remarque ne porte sur aucun jeu de données : la correction ne peut être écrite.":
        "The remark is about no dataset: the correction cannot be written.",
    "Donnez la raison du rejet.": "Give the reason for the rejection.",
    "Action inconnue.": "Unknown action.",
    "Action inconnue": "Unknown action",
    "Choisissez une action.": "Choose an action.",
    "Elle n'existe pas.": "It does not exist.",
    "Constat incomplet": "Incomplete finding",
    "Un constat a besoin d'une ressource de ce graphe et d'un texte.":
        "A finding needs a resource of this graph and a text.",
    "La correction ne peut être écrite : %(error)s.": "The correction cannot be written: %(error)s.",
    "Trop de tentatives": "Too many attempts",
    "Trop de tentatives de connexion en peu de temps. Réessayez dans %(n)s secondes.":
        "Too many login attempts in a short time. Try again in %(n)s seconds.",
    "Nom ou mot de passe inconnu.": "Unknown name or password.",
    # the visitors' remarks (remarks/*.html, web/remarks.py, remarks/model.py's kinds and statuses)
    "<strong>%(count)s</strong> remarque des utilisateurs publiée":
        "<strong>%(count)s</strong> users' remark published",
    "<strong>%(count)s</strong> remarques des utilisateurs publiées":
        "<strong>%(count)s</strong> users' remarks published",
    "dont <strong>%(count)s</strong> corrigée": "of which <strong>%(count)s</strong> fixed",
    "dont <strong>%(count)s</strong> corrigées": "of which <strong>%(count)s</strong> fixed",
    "signalez une erreur depuis la page de toute ressource.": "report an error from the page of any resource.",
    "Remarques et corrections": "Remarks and corrections",
    "Signaler une erreur / proposer une correction": "Report an error / propose a correction",
    "<strong>%(count)s</strong> remarque publiée sur les ressources de ce jeu de données":
        "<strong>%(count)s</strong> remark published on the resources of this dataset",
    "<strong>%(count)s</strong> remarques publiées sur les ressources de ce jeu de données":
        "<strong>%(count)s</strong> remarks published on the resources of this dataset",
    "Valeurs corrigées": "Corrected values",
    "(au lieu de <del>%(old)s</del>)": "(instead of <del>%(old)s</del>)",
    "corrigé d'après la <a href=\"%(root)sremarques/%(id)s\">remarque %(id)s</a>":
        "corrected after <a href=\"%(root)sremarques/%(id)s\">remark %(id)s</a>",
    "acceptée le %(day)s": "accepted on %(day)s",
    "provenance": "provenance",
    "%(count)s remarque publiée": "%(count)s remark published",
    "%(count)s remarques publiées": "%(count)s remarks published",
    "Remarques": "Remarks",
    "Remarques des utilisateurs": "Users' remarks",
    "sur les ressources de ce jeu de données (<a href=\"%(root)sremarques/\">toutes les remarques</a>)":
        "on the resources of this dataset (<a href=\"%(root)sremarques/\">all remarks</a>)",
    "Elles sont aussi servies en annotations W3C : <a href=\"%(root)sannotations/\">/annotations/</a>.":
        "They are also served as W3C annotations: <a href=\"%(root)sannotations/\">/annotations/</a>.",
    "Données personnelles": "Personal data",
    "Retour à l'accueil": "Back to the home page",
    "construction <code>%(build)s</code>": "build <code>%(build)s</code>",
    "Cette page est votre lien personnel vers la remarque : gardez-le pour en suivre le statut.":
        "This page is your personal link to the remark: keep it to follow its status.",
    "Elle attend l'examen d'un conservateur avant d'être publiée.":
        "It awaits a curator's review before being published.",
    "Elle est publiée.": "It is published.",
    "Décision": "Decision",
    "Envoyée le": "Sent on",
    "Annotation W3C :": "W3C annotation:",
    "Signaler une erreur": "Report an error",
    "Ressource :": "Resource:",
    "La ressource dans son ensemble (ou une valeur manquante)": "The resource as a whole (or a missing value)",
    "Type de remarque": "Kind of remark",
    "Votre remarque (obligatoire, %(n)s caractères au plus)": "Your remark (required, %(n)s characters at most)",
    "Valeur proposée (facultatif)": "Proposed value (optional)",
    "Votre adresse électronique, pour une réponse (facultatif)": "Your e-mail address, for a reply (optional)",
    "Ne remplissez pas ce champ": "Do not fill in this field",
    "Votre adresse électronique n'est utilisée que pour vous répondre et est effacée quand la remarque est "
    "close ; votre adresse IP n'est jamais conservée. <a href=\"%(root)sremarques/confidentialite\">Données "
    "personnelles</a>.":
        "Your e-mail address is only used to reply to you and is erased when the remark is closed; your IP "
        "address is never kept. <a href=\"%(root)sremarques/confidentialite\">Personal data</a>.",
    "Envoyer la remarque": "Send the remark",
    "Erreur": "Error",
    "Valeur manquante": "Missing value",
    "Doublon": "Duplicate",
    "Question": "Question",
    "Nouvelle": "New",
    "Acceptée": "Accepted",
    "Rejetée": "Rejected",
    "Corrigée": "Fixed",
    "Formulaire expiré": "Form expired",
    "Ce formulaire a expiré ou ne vient pas de ce site (jeton CSRF absent ou faux). Rechargez la page et "
    "recommencez.":
        "This form has expired or does not come from this site (CSRF token missing or wrong). Reload the "
        "page and start again.",
    "Trop de remarques": "Too many remarks",
    "On ne peut signaler une erreur que sur une ressource de ce graphe.":
        "Errors can only be reported on a resource of this graph.",
    "Cette ressource n'est pas dans le graphe publié.": "This resource is not in the published graph.",
    "Merci": "Thank you",
    "Merci pour votre remarque.": "Thank you for your remark.",
    "Choisissez le type de remarque.": "Choose the kind of remark.",
    "La valeur choisie n'est plus dans le graphe : choisissez-en une autre.":
        "The value chosen is no longer in the graph: choose another one.",
    "Décrivez le problème en quelques mots.": "Describe the problem in a few words.",
    "L'adresse électronique n'est pas valide.": "The e-mail address is not valid.",
    "Le texte contient des caractères de contrôle (invisibles) : retirez-les.":
        "The text holds control characters (invisible ones): remove them.",
    "Remarque introuvable": "Remark not found",
    "Cette remarque n'existe pas, ou elle n'est pas publiée.": "This remark does not exist, or is not published.",
    "Jeu de données inconnu": "Unknown dataset",
    "Aucun jeu de données de ce graphe ne porte ce nom.": "No dataset of this graph has this name.",
    "Vous avez envoyé beaucoup de remarques en peu de temps. Réessayez dans %(n)s secondes.":
        "You sent many remarks in a short time. Try again in %(n)s seconds.",
    "Le texte dépasse %(n)s caractères.": "The text is longer than %(n)s characters.",
    "La valeur proposée dépasse %(n)s caractères.": "The proposed value is longer than %(n)s characters.",
    # remarks/privacy.html
    "Remarques : données personnelles (RGPD)": "Remarks: personal data (GDPR)",
    "Ce qui est conservé": "What is kept",
    "Le texte de votre remarque, la valeur proposée, la ressource et la valeur concernées, la date : pour que "
    "les conservateurs l'examinent et, s'ils la publient, pour tous.":
        "The text of your remark, the proposed value, the resource and the value concerned, the date: for "
        "the curators to review it and, if they publish it, for everyone.",
    "Votre adresse électronique, si vous la donnez : uniquement pour vous répondre. Elle n'est jamais publiée ni "
    "transmise, et elle est <strong>effacée dès que la remarque est close</strong> (rejetée, corrigée ou "
    "indésirable).":
        "Your e-mail address, if you give it: only to reply to you. It is never published nor passed on, "
        "and it is <strong>erased as soon as the remark is closed</strong> (rejected, fixed or spam).",
    "Votre adresse IP n'est <strong>jamais conservée</strong> : seule une empreinte salée (HMAC-SHA256 avec un "
    "secret du serveur) sert à limiter le nombre de remarques par personne ; ces empreintes sont effacées après "
    "la fenêtre de limitation.":
        "Your IP address is <strong>never kept</strong>: only a salted hash (HMAC-SHA256 with a secret of "
        "the server) is used to limit the number of remarks per person; these hashes are erased after the "
        "limiting window.",
    "Un cookie de session technique (jeton anti-falsification du formulaire) ; aucun cookie de mesure "
    "d'audience.":
        "A technical session cookie (the form's anti-forgery token); no audience measurement cookie.",
    "Un cookie <code>lang</code> (un an) si vous choisissez la langue des pages avec le lien « English / "
    "Français » : il ne contient que <code>fr</code> ou <code>en</code>.":
        "A <code>lang</code> cookie (one year) if you choose the pages' language with the “English / "
        "Français” link: it holds only <code>fr</code> or <code>en</code>.",
    "Pourquoi": "Why",
    "Améliorer les données ouvertes du ministère de la Culture (mission de service public, article 6.1.e du "
    "RGPD).":
        "To improve the French Ministry of Culture's open data (a task carried out in the public interest, "
        "Article 6(1)(e) of the GDPR).",
    "Vos droits": "Your rights",
    "Vous pouvez obtenir une copie de vos remarques ou leur effacement en écrivant aux responsables du service "
    "avec l'adresse électronique utilisée ; ils disposent d'une commande pour exporter ou effacer toutes les "
    "remarques liées à une adresse (<code>culturegraph remarks export|erase --email</code>).":
        "You can obtain a copy of your remarks or their erasure by writing to the people in charge of the "
        "service from the e-mail address used; they have a command to export or erase all the remarks "
        "tied to an address (<code>culturegraph remarks export|erase --email</code>).",
}
